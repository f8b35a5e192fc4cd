import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { assertError, assertMessage, dataOf, type Client } from '../../support/processes.ts';
import {
  AFTER_YEAR_9999, HUGE_EPOCH_MS, HUGE_EPOCH_MS_TEXT, OUT_OF_RANGE_INSTANT, UNSAFE_INTEGERS, UNSAFE_INTEGER_TEXTS,
  assertUnsafeIntegerRefused, withoutGot,
} from '../../support/bounds.ts';
import { createTaskPath, newCallTask, newLead, processTasksPath, readTask, taskIdsOf, taskPath } from './tasks-support.ts';

const TIMES = ['dueBy', 'startsAt', 'endsAt'] as const;
/** Out-of-range instants as a client may write them: [as a number, as a string]. */
const OUT_OF_RANGE: readonly [number, string][] = [[HUGE_EPOCH_MS, HUGE_EPOCH_MS_TEXT], [1e20, '99999999999999999999'], [AFTER_YEAR_9999, String(AFTER_YEAR_9999)]];

describe('Tasks: out-of-range times and paging numbers are refused (400), nothing stored', () => {
  let server: TestServer;
  let admin: Client;
  let lead: any;

  before(async () => {
    server = await startTestServer();
    const acme = await seedTeam(server.runtime, 'acme');
    admin = client(server.url, acme.tokens.admin);
    lead = await newLead(admin);
  });
  after(() => server.close());

  it("a process's tasks list refuses skip or limit beyond the safe-integer range in the query string", async () => {
    for (const ref of [lead.id, lead.data.lead_id]) {
      for (const field of ['skip', 'limit']) {
        for (const text of UNSAFE_INTEGER_TEXTS) assertUnsafeIntegerRefused(await admin.get(processTasksPath('lead', ref, `?${field}=${text}`)), field);
      }
    }
    const far = await admin.get(processTasksPath('lead', lead.id, `?skip=${Number.MAX_SAFE_INTEGER}`));
    assert.deepEqual(dataOf(far), []);
    assert.equal(far.body._meta.skip, Number.MAX_SAFE_INTEGER);
  });

  it('Create Task refuses dueBy, startsAt and endsAt beyond the accepted years, as a numeric string or a number alike (no task created)', async () => {
    const path = createTaskPath('lead', lead.id, 'call');
    for (const field of TIMES) {
      for (const [number, text] of OUT_OF_RANGE) {
        const byNumber = assertError(await admin.post(path, { [field]: number }), 400, 'VALIDATION_FAILED');
        const byText = assertError(await admin.post(path, { [field]: text }), 400, 'VALIDATION_FAILED');
        assertMessage(byNumber, new RegExp(`^${field}: ${OUT_OF_RANGE_INSTANT.source}`));
        assert.deepEqual(byText.map(withoutGot), byNumber.map(withoutGot));
      }
    }
    assertMessage(assertError(await admin.post(path, { data: { next_call_time: HUGE_EPOCH_MS_TEXT } }), 400, 'VALIDATION_FAILED'), /^data\.next_call_time: expected a date/);
    assert.deepEqual(await taskIdsOf(admin, 'lead', lead.id), [], 'no task was created');
  });

  it('Update Task refuses out-of-range times and datetime attribute values, and leaves the task as it was', async () => {
    const task = await newCallTask(admin, lead.id, { dueBy: 1_700_000_000_000, data: { next_call_time: 1_700_000_000_000 } });
    for (const field of TIMES) {
      for (const value of OUT_OF_RANGE.flat()) {
        assertMessage(assertError(await admin.put(taskPath(task.id), { title: 'Moved', [field]: value }), 400, 'VALIDATION_FAILED'), new RegExp(`^${field}: ${OUT_OF_RANGE_INSTANT.source}`));
      }
    }
    for (const value of [...OUT_OF_RANGE.flat(), ...UNSAFE_INTEGERS]) {
      assertMessage(assertError(await admin.put(taskPath(task.id), { data: { next_call_time: value } }), 400, 'VALIDATION_FAILED'), /^data\.next_call_time: expected a date/);
    }
    assert.deepEqual(await readTask(admin, task.id), task, 'nothing changed');
  });
});
