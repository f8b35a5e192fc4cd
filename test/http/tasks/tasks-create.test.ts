import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { LEAD, UUID, createProcess, dataOf, manualClock, type Client } from '../../support/processes.ts';
import {
  TASK_KEYS, addTicketProcedure, createTaskPath, newCallTask, newLead, readTask, taskConfigIds, type TaskConfigIds,
} from './tasks-support.ts';

/** 2023-11-15T09:30:00 in the team's timezone (+05:30), the docs' `next_call_time`. */
const DOCS_CALL_TIME = Date.UTC(2023, 10, 15, 4, 0);

describe('Create Task API (API.md §4): the task object', () => {
  const time = manualClock();
  let server: TestServer;
  let team: SeededTeam;
  let ids: TaskConfigIds;
  let admin: Client;
  let manager: Client;
  before(async () => {
    server = await startTestServer({ clock: time.clock });
    team = await seedTeam(server.runtime, 'acme');
    await addTicketProcedure(server.runtime, 'acme');
    admin = client(server.url, team.tokens.admin);
    manager = client(server.url, team.tokens.manager);
    ids = await taskConfigIds(server.url, team.tokens.admin);
  });
  after(() => server.close());

  it('creates a task by process UUID with every field of the task object, references resolvable via GET /v1/ext/config', async () => {
    const lead = await newLead(manager);
    const at = time.advance(60_000);
    const task = dataOf(await manager.post(createTaskPath('lead', lead.id, 'call'), {}));
    assert.deepEqual(Object.keys(task).sort(), TASK_KEYS);
    assert.match(task.id, UUID);
    assert.notEqual(task.id, lead.id);
    assert.equal(task.createdAt, at);
    assert.equal(task.updatedAt, at);
    assert.equal(task.team, ids.team);
    assert.equal(task.procedure, ids.procedures.lead);
    assert.equal(task.process, lead.id);
    assert.match(lead.record, UUID);
    assert.equal(task.record, lead.record, "the task points at its process's record");
    assert.equal(task.stateTask, ids.stateTasks.call.id);
    assert.equal(ids.stateTasks.call.procedure, ids.procedures.lead, 'the state task resolves to the lead procedure');
    assert.equal(task.taskType, ids.taskTypes.call);
    assert.equal(task.title, 'Call', "title defaults to the state task's name");
    assert.equal(task.description, '');
    assert.equal(task.status, 'OPEN');
    assert.deepEqual(task.data, {});
    assert.deepEqual(task.derivedData, {});
    assert.equal(task.createdBy, team.userIds.ravi, 'the manager key acts as ravi');
    assert.equal(task.assignedTo, null);
    assert.equal(task.belongsTo, null);
    for (const key of ['startsAt', 'endsAt', 'dueBy', 'startedAt', 'completedAt', 'cancelledAt']) assert.equal(task[key], 0, key);
    assert.equal(task.isDeleted, false);
    assert.deepEqual(await readTask(admin, task.id), task, 'the stored task reads back the same');
  });

  it('creates a task by the bare primary-key value, and accepts the procedure UUID', async () => {
    const lead = await newLead(admin);
    assert.match(lead.data.lead_id, /^LEAD-\d{6}$/);
    const byKey = await newCallTask(admin, lead.data.lead_id);
    assert.equal(byKey.process, lead.id);
    const byProcedureId = dataOf(await admin.post(createTaskPath(ids.procedures.lead, lead.data.lead_id, 'call'), {}));
    assert.equal(byProcedureId.process, lead.id);
    assert.equal(byProcedureId.procedure, ids.procedures.lead);
    const byStateTaskId = dataOf(await admin.post(createTaskPath('lead', lead.id, ids.stateTasks.call.id), {}));
    assert.equal(byStateTaskId.stateTask, ids.stateTasks.call.id);
  });

  it('finds a primary-key value with spaces and slashes once the path is percent-decoded', async () => {
    const lead = await newLead(admin, { lead_id: 'LEAD 7/b' });
    assert.equal(lead.data.lead_id, 'LEAD 7/b');
    assert.equal((await newCallTask(admin, 'LEAD 7/b')).process, lead.id);
  });

  it('attaches the task to the process named, not another process of the team', async () => {
    const first = await newLead(admin);
    const second = await newLead(admin);
    assert.equal((await newCallTask(admin, second.data.lead_id)).process, second.id);
    assert.equal((await newCallTask(admin, first.id)).process, first.id);
  });

  it('keeps a given title and description', async () => {
    const lead = await newLead(admin);
    const task = await newCallTask(admin, lead.id, { title: 'Follow-up call', description: 'Ask about the quote' });
    assert.equal(task.title, 'Follow-up call');
    assert.equal(task.description, 'Ask about the quote');
  });

  it("stores the docs' example body: next_call_time without offset is read in the team's timezone (+05:30)", async () => {
    const lead = await newLead(admin);
    const at = time.advance(5_000);
    const task = await newCallTask(admin, lead.data.lead_id, {
      data: { call_disposition: 'RNR', next_call_time: '2023-11-15T09:30:00', remarks: 'Couldnt reach out to the customer' },
      status: 'COMPLETED',
      assignedTo: 'john@demo.example',
    });
    assert.deepEqual(task.data, { call_disposition: 'RNR', next_call_time: DOCS_CALL_TIME, remarks: 'Couldnt reach out to the customer' });
    assert.equal(new Date(task.data.next_call_time).toISOString(), '2023-11-15T04:00:00.000Z');
    assert.equal(task.status, 'COMPLETED');
    assert.equal(task.completedAt, at, 'logging a finished task stamps completedAt with now');
    assert.equal(task.cancelledAt, 0);
    assert.equal(task.assignedTo, team.userIds.john);
    assert.deepEqual((await readTask(admin, task.id)).data, task.data);
  });

  it('reads a datetime with an explicit offset as written, and accepts epoch ms and numeric strings', async () => {
    const lead = await newLead(admin);
    const cases: Array<[unknown, number]> = [
      ['2023-11-15T09:30:00Z', Date.UTC(2023, 10, 15, 9, 30)],
      ['2023-11-15T09:30:00+01:00', Date.UTC(2023, 10, 15, 8, 30)],
      ['2023-11-15T09:30:00.250-03:00', Date.UTC(2023, 10, 15, 12, 30, 0, 250)],
      [DOCS_CALL_TIME, DOCS_CALL_TIME],
      [String(DOCS_CALL_TIME + 1), DOCS_CALL_TIME + 1],
    ];
    for (const [sent, stored] of cases) {
      const task = await newCallTask(admin, lead.id, { data: { next_call_time: sent } });
      assert.equal(task.data.next_call_time, stored, `next_call_time ${JSON.stringify(sent)}`);
    }
  });

  it('stamps the status: COMPLETED → completedAt, CANCELLED → cancelledAt, OPEN → neither', async () => {
    const lead = await newLead(admin);
    const expectations = [
      { status: 'COMPLETED', completed: true, cancelled: false },
      { status: 'CANCELLED', completed: false, cancelled: true },
      { status: 'OPEN', completed: false, cancelled: false },
    ];
    for (const { status, completed, cancelled } of expectations) {
      const at = time.advance(1_000);
      const task = await newCallTask(admin, lead.id, { status });
      assert.equal(task.status, status);
      assert.equal(task.completedAt, completed ? at : 0, `${status} completedAt`);
      assert.equal(task.cancelledAt, cancelled ? at : 0, `${status} cancelledAt`);
      assert.equal(task.startedAt, 0);
    }
  });

  it('assigns by username, user UUID or primary email, and leaves the process assignee alone', async () => {
    const lead = await newLead(admin);
    for (const [ref, expected] of [['john', team.userIds.john], [team.userIds.ravi, team.userIds.ravi], ['priya@demo.example', team.userIds.priya]]) {
      assert.equal((await newCallTask(admin, lead.id, { assignedTo: ref })).assignedTo, expected, `assignedTo ${ref}`);
    }
    assert.equal((await newCallTask(admin, lead.id, { assignedTo: null })).assignedTo, null);
    assert.equal(dataOf(await admin.get(`${LEAD}/${lead.id}`)).assignedTo, null);
  });

  it('reads dueBy, startsAt and endsAt as epoch ms, numeric strings or ISO-8601', async () => {
    const lead = await newLead(admin);
    const task = await newCallTask(admin, lead.id, {
      dueBy: '2023-11-15T09:30:00', startsAt: String(DOCS_CALL_TIME + 7), endsAt: DOCS_CALL_TIME + 3_600_000,
    });
    assert.equal(task.dueBy, DOCS_CALL_TIME, "an ISO time without offset is in the team's timezone");
    assert.equal(task.startsAt, DOCS_CALL_TIME + 7);
    assert.equal(task.endsAt, DOCS_CALL_TIME + 3_600_000);
    const withOffset = await newCallTask(admin, lead.id, { dueBy: '2023-11-15T09:30:00Z' });
    assert.equal(withOffset.dueBy, Date.UTC(2023, 10, 15, 9, 30));
  });

  it("coerces values by the state task's attribute types (integer from a string, user by username)", async () => {
    const ticket = await createProcess(admin, '/v1/ext/procedure/ticket/process', { data: { subject: 'Broken tap' } });
    const task = dataOf(await admin.post(createTaskPath('ticket', ticket.id, 'visit'), { data: { duration: '45', agent: 'john' } }));
    assert.deepEqual(task.data, { duration: 45, agent: team.userIds.john });
    assert.equal(task.title, 'Site visit');
    assert.equal(task.taskType, ids.taskTypes.meeting);
    assert.equal(task.stateTask, ids.stateTasks.visit.id);
    assert.equal(task.procedure, ids.procedures.ticket);
    assert.equal(task.record, null, 'a process without a record gives a task without one');
  });
});

describe('Tasks right after the team model changes (first request to load it)', () => {
  let server: TestServer;
  let team: SeededTeam;
  before(async () => {
    server = await startTestServer();
    team = await seedTeam(server.runtime, 'acme');
  });
  after(() => server.close());

  /** A config apply drops the cached team model, so the next request has to load it again. */
  const changeConfig = () => addTicketProcedure(server.runtime, 'acme');

  it('creates, updates and reads a task as the first request after a config change', { timeout: 15_000 }, async () => {
    const admin = client(server.url, team.tokens.admin);
    const lead = await newLead(admin);
    await changeConfig();
    const task = dataOf(await admin.post(createTaskPath('lead', lead.id, 'call'), { data: { call_disposition: 'RNR' } }));
    await changeConfig();
    const updated = dataOf(await admin.put(`/v1/ext/task/${task.id}`, { status: 'COMPLETED' }));
    assert.equal(updated.status, 'COMPLETED');
    await changeConfig();
    assert.deepEqual(await readTask(admin, task.id), updated);
  });

  it("creates a task as a new team's very first request", { timeout: 15_000 }, async () => {
    const other = await seedTeam(server.runtime, 'beta');
    const ticketless = client(server.url, other.tokens.manager);
    await addTicketProcedure(server.runtime, 'beta');
    assert.equal((await ticketless.post(createTaskPath('lead', 'LEAD-000001', 'call'), {})).status, 404);
  });
});
