import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { UNKNOWN_UUID, assertError, dataOf, manualClock, type Client } from '../../support/processes.ts';
import {
  BULK_CREATE, JOBS, allEntries, countLeads, countedInDatabase, counts, drain, fetchJob, leads, submit,
} from '../bulk/bulk-support.ts';

describe('Cancel a background job (API.md §5, extension)', () => {
  const time = manualClock();
  let server: TestServer;
  let admin: Client;

  before(async () => {
    server = await startTestServer({ clock: time.clock });
    const acme = await seedTeam(server.runtime, 'acme');
    admin = client(server.url, acme.tokens.admin);
  });
  after(() => server.close());

  const cancel = (id: string) => admin.post(`${JOBS}/${id}/cancel`);

  it('before any work: every entry CANCELLED, the job CANCELLED, and workers create nothing afterwards', async () => {
    const { job } = await submit(admin, 'POST', BULK_CREATE, leads(600, 'EARLY'));
    const cancelledAt = time.advance(1000);
    const res = await cancel(job.id);
    const answered = dataOf(res);
    assert.equal(answered.completionStatus, 'CANCELLED');
    assert.equal(answered.completedAt, cancelledAt);
    assert.equal(answered.startedAt, 0, 'it never started');
    assert.equal(answered.statusMessage, '600 entries: 600 CANCELLED');
    assert.deepEqual(res.body._meta.bjEntryCompletionStatusVsCount, counts({ CANCELLED: 600 }));

    time.advance(1000);
    await drain(server.runtime);
    const after = await fetchJob(admin, job.id);
    assert.deepEqual(after.job, answered, 'the workers did not touch it');
    assert.deepEqual(after.counts, counts({ CANCELLED: 600 }));
    assert.equal(await countLeads(admin), 0, 'no process was created');
    const entries = await allEntries(admin, job.id);
    assert.ok(entries.every((e) => e.completionStatus === 'CANCELLED' && e.completionResult === null && e.updatedAt === cancelledAt));
  });

  it('mid-way: what ran stays, the rest is CANCELLED, counts add up, and nothing more runs', async () => {
    const before = await countLeads(admin);
    const { job } = await submit(admin, 'POST', BULK_CREATE, leads(2600, 'MID'));
    time.advance(1000);
    assert.equal(await server.runtime.engine.runOnce(), 1, 'one of the two partitions');
    const running = await fetchJob(admin, job.id);
    assert.equal(running.job.completionStatus, 'IN_PROGRESS');
    const done = running.counts.SUCCESS;
    assert.ok(done > 0 && done < 2600, JSON.stringify(running.counts));

    const cancelledAt = time.advance(1000);
    const res = await cancel(job.id);
    const answered = dataOf(res);
    assert.equal(answered.completionStatus, 'CANCELLED');
    assert.equal(answered.completedAt, cancelledAt);
    assert.equal(answered.statusMessage, `2600 entries: ${done} SUCCESS, ${2600 - done} CANCELLED`);
    assert.deepEqual(res.body._meta.bjEntryCompletionStatusVsCount, counts({ SUCCESS: done, CANCELLED: 2600 - done }));

    time.advance(1000);
    await drain(server.runtime);
    const after = await fetchJob(admin, job.id);
    assert.deepEqual(after.job, answered, 'the remaining partition did nothing');
    assert.deepEqual(after.counts, counts({ SUCCESS: done, CANCELLED: 2600 - done }));
    assert.deepEqual(await countedInDatabase(server.runtime, job.id), after.counts);
    assert.equal(await countLeads(admin), before + done, 'one process per entry that ran, none for the cancelled ones');
    const entries = await allEntries(admin, job.id);
    for (const e of entries) {
      if (e.completionStatus === 'SUCCESS') assert.ok(e.completionResult?.processId);
      else assert.equal(e.completionResult, null);
    }
  });

  it('a cancel racing a running worker: no entry is both applied and cancelled, and the counts stay true', async () => {
    const before = await countLeads(admin);
    const { job } = await submit(admin, 'POST', BULK_CREATE, leads(1800, 'RACE'));
    const worker = server.runtime.engine.runOnce();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const res = await cancel(job.id);
    await worker;
    await drain(server.runtime);
    const after = await fetchJob(admin, job.id);
    assert.equal(after.job.completionStatus, res.status === 200 ? 'CANCELLED' : 'SUCCESS', 'a 409 only if the job had already finished');
    assert.equal(after.counts.SUCCESS + after.counts.CANCELLED, 1800, JSON.stringify(after.counts));
    assert.deepEqual(await countedInDatabase(server.runtime, job.id), after.counts);
    assert.equal(await countLeads(admin), before + after.counts.SUCCESS);
  });

  it('a finished job → 409, and it stays as it was', async () => {
    const { job } = await submit(admin, 'POST', BULK_CREATE, leads(2, 'FIN'));
    await drain(server.runtime);
    const finished = await fetchJob(admin, job.id);
    assertError(await cancel(job.id), 409, 'CONFLICT');
    assert.deepEqual(await fetchJob(admin, job.id), finished);
  });

  it('an already cancelled job → 409', async () => {
    const { job } = await submit(admin, 'POST', BULK_CREATE, leads(2, 'TWICE'));
    dataOf(await cancel(job.id));
    assertError(await cancel(job.id), 409, 'CONFLICT');
  });

  it('a job id that is not a UUID → 400; an unknown one → 404', async () => {
    assertError(await cancel('nope'), 400, 'BAD_REQUEST');
    assertError(await cancel(UNKNOWN_UUID), 404, 'NOT_FOUND');
  });
});
