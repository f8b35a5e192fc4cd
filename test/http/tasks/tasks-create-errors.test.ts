import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { UNKNOWN_UUID, assertError, assertMessage, createProcess, manualClock, type Client } from '../../support/processes.ts';
import {
  addTicketProcedure, createTaskPath, newCallTask, newLead, taskConfigIds, taskIdsOf, type TaskConfigIds,
} from './tasks-support.ts';

describe('Create Task API (API.md §4): refused bodies and unknown targets', () => {
  const time = manualClock();
  let server: TestServer;
  let team: SeededTeam;
  let ids: TaskConfigIds;
  let admin: Client;
  let lead: any;
  let ticket: any;
  before(async () => {
    server = await startTestServer({ clock: time.clock });
    team = await seedTeam(server.runtime, 'acme');
    await addTicketProcedure(server.runtime, 'acme');
    admin = client(server.url, team.tokens.admin);
    ids = await taskConfigIds(server.url, team.tokens.admin);
    lead = await newLead(admin);
    ticket = await createProcess(admin, '/v1/ext/procedure/ticket/process', { data: { subject: 'Broken tap' } });
  });
  after(() => server.close());

  /** Posts a body that must be refused, then checks that no task was created. */
  async function refused(body: unknown, code: string, status = 400): Promise<string[]> {
    const before = await taskIdsOf(admin, 'lead', lead.id);
    const messages = assertError(await admin.post(createTaskPath('lead', lead.id, 'call'), body), status, code);
    assert.deepEqual(await taskIdsOf(admin, 'lead', lead.id), before, 'a refused create leaves no task behind');
    return messages;
  }

  it('refuses a value outside the enum options (400 naming the attribute)', async () => {
    for (const value of ['CALLED', 'rnr', 3]) {
      assertMessage(await refused({ data: { call_disposition: value } }, 'VALIDATION_FAILED'), /data\.call_disposition/, /RNR/);
    }
  });

  it('refuses an attribute the state task does not have (400 UNKNOWN_ATTRIBUTE), process attributes included', async () => {
    assertMessage(await refused({ data: { colour: 'red' } }, 'UNKNOWN_ATTRIBUTE'), /colour/);
    assertMessage(await refused({ data: { first_name: 'Ted' } }, 'UNKNOWN_ATTRIBUTE'), /first_name/);
    assertMessage(await refused({ data: { full_name: 'Ted Mosby' } }, 'UNKNOWN_ATTRIBUTE'), /full_name/);
  });

  it('lists every problem, the unknown attribute deciding the code', async () => {
    const messages = await refused({ data: { colour: 'red', call_disposition: 'CALLED' } }, 'UNKNOWN_ATTRIBUTE');
    assertMessage(messages, /colour/, /data\.call_disposition/);
  });

  it('refuses a value of the wrong type (400 naming the attribute)', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ next_call_time: true }, /data\.next_call_time/],
      [{ next_call_time: 'next tuesday' }, /data\.next_call_time/],
      [{ next_call_time: '2023-02-30T10:00:00' }, /data\.next_call_time/],
      [{ remarks: { text: 'hi' } }, /data\.remarks/],
    ];
    for (const [data, pattern] of cases) assertMessage(await refused({ data }, 'VALIDATION_FAILED'), pattern);
  });

  it('refuses a data that is not an object', async () => {
    for (const data of [[], 'RNR', null]) assertMessage(await refused({ data }, 'VALIDATION_FAILED'), /^data/);
  });

  it('refuses unknown fields at the root, process-only fields included', async () => {
    for (const field of ['foo', 'state', 'nextActionAt', 'record', 'call_disposition']) {
      assertMessage(await refused({ [field]: 'x' }, 'VALIDATION_FAILED'), new RegExp(`^${field}: unknown field`));
    }
  });

  it('refuses a bad status, title or description', async () => {
    assertMessage(await refused({ status: 'DONE' }, 'VALIDATION_FAILED'), /^status: .*COMPLETED/);
    assertMessage(await refused({ status: 'completed' }, 'VALIDATION_FAILED'), /^status/);
    assertMessage(await refused({ title: 5 }, 'VALIDATION_FAILED'), /^title/);
    assertMessage(await refused({ description: ['a'] }, 'VALIDATION_FAILED'), /^description/);
  });

  it('refuses an unknown or empty assignee', async () => {
    for (const assignedTo of ['nobody', 'nobody@demo.example', UNKNOWN_UUID, '', 5]) {
      assertMessage(await refused({ assignedTo }, 'VALIDATION_FAILED'), /^assignedTo/);
    }
  });

  it('refuses times that are neither epoch ms, numeric strings nor ISO-8601', async () => {
    for (const field of ['dueBy', 'startsAt', 'endsAt']) {
      for (const value of ['tomorrow', true, 1.5]) {
        assertMessage(await refused({ [field]: value }, 'VALIDATION_FAILED'), new RegExp(`^${field}`));
      }
    }
  });

  it('refuses a task missing a required attribute, an unknown photo or a non-integer (nothing created)', async () => {
    const path = createTaskPath('ticket', ticket.id, 'visit');
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{}, /data\.duration/],
      [{ duration: null }, /data\.duration/],
      [{ duration: 1.5 }, /data\.duration/],
      [{ duration: 30, snap: UNKNOWN_UUID }, new RegExp(UNKNOWN_UUID)],
      [{ duration: 30, agent: 'nobody' }, /nobody/],
    ];
    for (const [data, pattern] of cases) {
      assertMessage(assertError(await admin.post(path, { data }), 400, 'VALIDATION_FAILED'), pattern);
    }
    assert.deepEqual(await taskIdsOf(admin, 'ticket', ticket.id), []);
  });

  it('answers 404 for an unknown procedure, process UUID or primary-key value', async () => {
    assertError(await admin.post(createTaskPath('opportunity', lead.id, 'call'), {}), 404, 'NOT_FOUND');
    assertError(await admin.post(createTaskPath(UNKNOWN_UUID, lead.id, 'call'), {}), 404, 'NOT_FOUND');
    assertError(await admin.post(createTaskPath('lead', UNKNOWN_UUID, 'call'), {}), 404, 'NOT_FOUND');
    assertError(await admin.post(createTaskPath('lead', 'LEAD-999999', 'call'), {}), 404, 'NOT_FOUND');
    assertError(await admin.post(createTaskPath('ticket', 'TICKET-1', 'visit'), { data: { duration: 1 } }), 404, 'NOT_FOUND');
    assert.deepEqual(await taskIdsOf(admin, 'lead', lead.id), []);
  });

  it('answers 404 for a process of another procedure, even by its UUID', async () => {
    assertError(await admin.post(createTaskPath('lead', ticket.id, 'call'), {}), 404, 'NOT_FOUND');
    assertError(await admin.post(createTaskPath('ticket', lead.id, 'visit'), { data: { duration: 1 } }), 404, 'NOT_FOUND');
  });

  it('answers 404 for an unknown state task, or one of another procedure (by shortId or UUID)', async () => {
    assertMessage(assertError(await admin.post(createTaskPath('lead', lead.id, 'meeting'), {}), 404, 'NOT_FOUND'), /meeting/);
    assertError(await admin.post(createTaskPath('lead', lead.id, 'visit'), { data: { duration: 1 } }), 404, 'NOT_FOUND');
    assertError(await admin.post(createTaskPath('lead', lead.id, ids.stateTasks.visit.id), { data: { duration: 1 } }), 404, 'NOT_FOUND');
    assertError(await admin.post(createTaskPath('ticket', ticket.id, 'call'), {}), 404, 'NOT_FOUND');
    assertError(await admin.post(createTaskPath('lead', lead.id, UNKNOWN_UUID), {}), 404, 'NOT_FOUND');
    assert.deepEqual(await taskIdsOf(admin, 'lead', lead.id), []);
    assert.deepEqual(await taskIdsOf(admin, 'ticket', ticket.id), []);
  });

  it('still creates once the body is right (the refusals above were about the body)', async () => {
    const task = await newCallTask(admin, lead.id, { data: { call_disposition: 'INTERESTED' } });
    assert.deepEqual(await taskIdsOf(admin, 'lead', lead.id), [task.id]);
  });
});
