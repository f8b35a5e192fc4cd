import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { UNKNOWN_UUID, assertError, assertMessage, createProcess, dataOf, manualClock, type Client } from '../../support/processes.ts';
import {
  addTicketProcedure, createTaskPath, newCallTask, newLead, processTasksPath, readTask, taskPath,
} from './tasks-support.ts';

/** 2023-11-15T09:30:00+05:30. */
const CALL_TIME = Date.UTC(2023, 10, 15, 4, 0);

describe('Task extensions (API.md §4): fetch and update a task', () => {
  const time = manualClock();
  let server: TestServer;
  let team: SeededTeam;
  let admin: Client;
  let lead: any;
  before(async () => {
    server = await startTestServer({ clock: time.clock });
    team = await seedTeam(server.runtime, 'acme');
    await addTicketProcedure(server.runtime, 'acme');
    admin = client(server.url, team.tokens.admin);
    lead = await newLead(admin);
  });
  after(() => server.close());

  /** Updates a task (the update must succeed) at a fresh instant; returns the task and that instant. */
  async function update(taskId: string, body: unknown): Promise<{ task: any; at: number }> {
    const at = time.advance(1_000);
    return { task: dataOf(await admin.put(taskPath(taskId), body)), at };
  }

  it('fetches a task by id; a non-UUID id is 400, an unknown one 404', async () => {
    const created = await newCallTask(admin, lead.id, { data: { call_disposition: 'RNR' }, title: 'First call' });
    assert.deepEqual(await readTask(admin, created.id), created);
    assertMessage(assertError(await admin.get(taskPath('not-a-uuid')), 400, 'BAD_REQUEST'), /taskId/);
    assertError(await admin.get(taskPath(UNKNOWN_UUID)), 404, 'NOT_FOUND');
    assertError(await admin.get(taskPath(lead.id)), 404, 'NOT_FOUND');
  });

  it('updates only the fields sent, and moves updatedAt', async () => {
    const created = await newCallTask(admin, lead.id, { data: { call_disposition: 'RNR', remarks: 'busy' }, assignedTo: 'john', dueBy: CALL_TIME });
    const { task, at } = await update(created.id, { title: 'Second try' });
    assert.deepEqual(task, { ...created, title: 'Second try', updatedAt: at });
    assert.deepEqual(await readTask(admin, created.id), task);
    const next = await update(created.id, { description: 'Call after lunch', dueBy: '2023-11-16T14:00:00', startsAt: String(CALL_TIME), endsAt: CALL_TIME + 60_000 });
    assert.deepEqual(next.task, {
      ...task, description: 'Call after lunch', dueBy: Date.UTC(2023, 10, 16, 8, 30), startsAt: CALL_TIME, endsAt: CALL_TIME + 60_000, updatedAt: next.at,
    });
  });

  it('merges data, coerces it by attribute type, and removes an attribute sent as null', async () => {
    const created = await newCallTask(admin, lead.id, { data: { call_disposition: 'RNR', remarks: 'busy' } });
    const merged = (await update(created.id, { data: { next_call_time: '2023-11-15T09:30:00' } })).task;
    assert.deepEqual(merged.data, { call_disposition: 'RNR', remarks: 'busy', next_call_time: CALL_TIME });
    const replaced = (await update(created.id, { data: { call_disposition: 'INTERESTED', remarks: null } })).task;
    assert.deepEqual(replaced.data, { call_disposition: 'INTERESTED', next_call_time: CALL_TIME });
    assert.deepEqual((await readTask(admin, created.id)).data, replaced.data);
  });

  it('reassigns by username, UUID or email, and unassigns with null', async () => {
    const created = await newCallTask(admin, lead.id);
    assert.equal((await update(created.id, { assignedTo: 'ravi' })).task.assignedTo, team.userIds.ravi);
    assert.equal((await update(created.id, { assignedTo: team.userIds.john })).task.assignedTo, team.userIds.john);
    assert.equal((await update(created.id, { assignedTo: 'priya@demo.example' })).task.assignedTo, team.userIds.priya);
    assert.equal((await update(created.id, { title: 'kept assignee' })).task.assignedTo, team.userIds.priya);
    assert.equal((await update(created.id, { assignedTo: null })).task.assignedTo, null);
  });

  it('stamps status changes: COMPLETED sets completedAt, CANCELLED cancelledAt, OPEN clears both', async () => {
    const created = await newCallTask(admin, lead.id);
    const completed = await update(created.id, { status: 'COMPLETED' });
    assert.deepEqual([completed.task.status, completed.task.completedAt, completed.task.cancelledAt], ['COMPLETED', completed.at, 0]);
    const again = await update(created.id, { status: 'COMPLETED', title: 'Done' });
    assert.equal(again.task.completedAt, completed.at, 'the same status again is no change: completedAt stays');
    const cancelled = await update(created.id, { status: 'CANCELLED' });
    assert.deepEqual([cancelled.task.status, cancelled.task.completedAt, cancelled.task.cancelledAt], ['CANCELLED', 0, cancelled.at]);
    const reopened = await update(created.id, { status: 'OPEN' });
    assert.deepEqual([reopened.task.status, reopened.task.completedAt, reopened.task.cancelledAt], ['OPEN', 0, 0]);
    assert.deepEqual(await readTask(admin, created.id), reopened.task);
  });

  it('keeps every change when updates of different attributes arrive at once', async () => {
    const created = await newCallTask(admin, lead.id);
    const changes = [{ call_disposition: 'INTERESTED' }, { remarks: 'call back' }, { next_call_time: CALL_TIME }];
    for (let round = 0; round < 5; round += 1) {
      for (const res of await Promise.all(changes.map((data) => admin.put(taskPath(created.id), { data })))) dataOf(res);
      assert.deepEqual((await readTask(admin, created.id)).data, Object.assign({}, ...changes), `round ${round}`);
      dataOf(await admin.put(taskPath(created.id), { data: { call_disposition: null, remarks: null, next_call_time: null } }));
    }
  });

  it('refuses a bad update and changes nothing, not even the valid fields sent with it', async () => {
    const created = await newCallTask(admin, lead.id, { data: { call_disposition: 'RNR' }, assignedTo: 'john' });
    const cases: Array<[unknown, string, RegExp]> = [
      [{ title: 'Changed', foo: 1 }, 'VALIDATION_FAILED', /^foo: unknown field/],
      [{ title: 'Changed', state: 'NEW' }, 'VALIDATION_FAILED', /^state: unknown field/],
      [{ title: 'Changed', data: { colour: 'red' } }, 'UNKNOWN_ATTRIBUTE', /colour/],
      [{ title: 'Changed', data: { call_disposition: 'CALLED' } }, 'VALIDATION_FAILED', /data\.call_disposition/],
      [{ title: 'Changed', data: { next_call_time: 'soon' } }, 'VALIDATION_FAILED', /data\.next_call_time/],
      [{ title: 'Changed', assignedTo: 'nobody' }, 'VALIDATION_FAILED', /^assignedTo/],
      [{ title: 'Changed', status: 'DONE' }, 'VALIDATION_FAILED', /^status/],
      [{ title: 'Changed', dueBy: 'tomorrow' }, 'VALIDATION_FAILED', /^dueBy/],
      [{ title: null }, 'VALIDATION_FAILED', /^title/],
    ];
    for (const [body, code, pattern] of cases) {
      time.advance(1_000);
      assertMessage(assertError(await admin.put(taskPath(created.id), body), 400, code), pattern);
      assert.deepEqual(await readTask(admin, created.id), created, `after ${JSON.stringify(body)}`);
    }
  });

  it('refuses removing a required attribute of the state task', async () => {
    const ticket = await createProcess(admin, '/v1/ext/procedure/ticket/process', { data: { subject: 'Leak' } });
    const created = dataOf(await admin.post(createTaskPath('ticket', ticket.id, 'visit'), { data: { duration: 30 } }));
    assertMessage(assertError(await admin.put(taskPath(created.id), { data: { duration: null } }), 400, 'VALIDATION_FAILED'), /data\.duration/);
    assert.deepEqual(await readTask(admin, created.id), created);
    assert.deepEqual((await update(created.id, { data: { duration: '40' } })).task.data, { duration: 40 });
  });

  it('answers 400 for a non-UUID task id and 404 for an unknown one on update', async () => {
    assertError(await admin.put(taskPath('LEAD-000001'), { title: 'x' }), 400, 'BAD_REQUEST');
    assertError(await admin.put(taskPath(UNKNOWN_UUID), { title: 'x' }), 404, 'NOT_FOUND');
  });
});

describe("Task extensions (API.md §4): a process's tasks, newest first", () => {
  const time = manualClock();
  let server: TestServer;
  let admin: Client;
  let lead: any;
  /** Task ids of `lead`, newest first. */
  const newestFirst: string[] = [];
  before(async () => {
    server = await startTestServer({ clock: time.clock });
    const team = await seedTeam(server.runtime, 'acme');
    admin = client(server.url, team.tokens.admin);
    lead = await newLead(admin);
    const other = await newLead(admin);
    for (let i = 0; i < 12; i += 1) {
      time.advance(1_000);
      newestFirst.unshift((await newCallTask(admin, lead.id, { title: `call ${i}` })).id);
      await newCallTask(admin, other.id, { title: `other ${i}` });
    }
  });
  after(() => server.close());

  const page = async (processRef: string, query: string) => {
    const res = await admin.get(processTasksPath('lead', processRef, query));
    return { ids: dataOf(res).map((t: any) => t.id), meta: res.body._meta, tasks: res.body._data };
  };

  it('lists only the process’s tasks, newest first, ten by default', async () => {
    const first = await page(lead.id, '');
    assert.deepEqual(first.ids, newestFirst.slice(0, 10));
    assert.deepEqual(first.meta, { hasMore: true, skip: 0, limit: 10 });
    for (const task of first.tasks) assert.equal(task.process, lead.id);
    for (let i = 1; i < first.tasks.length; i += 1) assert.ok(first.tasks[i - 1].createdAt > first.tasks[i].createdAt);
  });

  it('pages with skip and limit; hasMore turns false on the last page', async () => {
    const first = await page(lead.id, '?skip=0&limit=5');
    assert.deepEqual(first.ids, newestFirst.slice(0, 5));
    assert.deepEqual(first.meta, { hasMore: true, skip: 0, limit: 5 });
    const second = await page(lead.id, '?skip=5&limit=5');
    assert.deepEqual(second.ids, newestFirst.slice(5, 10));
    assert.deepEqual(second.meta, { hasMore: true, skip: 5, limit: 5 });
    const last = await page(lead.id, '?skip=10&limit=5');
    assert.deepEqual(last.ids, newestFirst.slice(10));
    assert.deepEqual(last.meta, { hasMore: false, skip: 10, limit: 5 });
    const exact = await page(lead.id, '?skip=0&limit=12');
    assert.deepEqual(exact.ids, newestFirst);
    assert.equal(exact.meta.hasMore, false);
    const beyond = await page(lead.id, '?skip=20');
    assert.deepEqual(beyond.ids, []);
    assert.equal(beyond.meta.hasMore, false);
  });

  it('addresses the process by its primary-key value too, and clamps limit to 100', async () => {
    assert.deepEqual((await page(lead.data.lead_id, '?limit=3')).ids, newestFirst.slice(0, 3));
    const clamped = await page(lead.id, '?limit=1000');
    assert.deepEqual(clamped.ids, newestFirst);
    assert.equal(clamped.meta.limit, 100);
  });

  it('refuses a bad skip or limit (400) and answers 404 for an unknown process or procedure', async () => {
    for (const query of ['?limit=0', '?skip=-1', '?limit=abc', '?skip=1.5', '?colour=red']) {
      assertError(await admin.get(processTasksPath('lead', lead.id, query)), 400, 'VALIDATION_FAILED');
    }
    assertError(await admin.get(processTasksPath('lead', UNKNOWN_UUID)), 404, 'NOT_FOUND');
    assertError(await admin.get(processTasksPath('lead', 'LEAD-999999')), 404, 'NOT_FOUND');
    assertError(await admin.get(processTasksPath('opportunity', lead.id)), 404, 'NOT_FOUND');
  });

  it('shows an updated task in its place (order is by creation, not update)', async () => {
    time.advance(1_000);
    dataOf(await admin.put(taskPath(newestFirst[11]), { title: 'oldest, edited' }));
    const first = await page(lead.id, '?limit=100');
    assert.deepEqual(first.ids, newestFirst);
    assert.equal(first.tasks[11].title, 'oldest, edited');
  });

  it('keeps newest first and pages without overlap when tasks share a millisecond', async () => {
    const still = await newLead(admin);
    const created: string[] = [];
    for (let i = 0; i < 5; i += 1) created.unshift((await newCallTask(admin, still.id)).id);
    assert.deepEqual((await page(still.id, '?limit=100')).ids, created);
    const pages = [...(await page(still.id, '?limit=2')).ids, ...(await page(still.id, '?skip=2&limit=2')).ids, ...(await page(still.id, '?skip=4&limit=2')).ids];
    assert.deepEqual(pages, created);
  });
});
