import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { LEAD, assertError, dataOf, manualClock, type Client } from '../../support/processes.ts';
import {
  createTaskPath, newCallTask, newLead, processTasksPath, readTask, taskConfigIds, taskIdsOf, taskPath,
} from './tasks-support.ts';

/** Every way a caller can reach a task or a process's tasks; each must answer 404. */
async function assertUnreachable(c: Client, procedure: string, processRefs: string[], taskId: string): Promise<void> {
  for (const ref of processRefs) {
    assertError(await c.post(createTaskPath(procedure, ref, 'call'), { title: 'sneaky' }), 404, 'NOT_FOUND');
    assertError(await c.get(processTasksPath(procedure, ref)), 404, 'NOT_FOUND');
  }
  assertError(await c.get(taskPath(taskId)), 404, 'NOT_FOUND');
  assertError(await c.put(taskPath(taskId), { title: 'sneaky', status: 'CANCELLED' }), 404, 'NOT_FOUND');
}

describe('Tasks: who may see them (API.md §1 roles, §4)', () => {
  const time = manualClock();
  let server: TestServer;
  let team: SeededTeam;
  let admin: Client;
  let manager: Client;
  let agent: Client;
  before(async () => {
    server = await startTestServer({ clock: time.clock });
    team = await seedTeam(server.runtime, 'acme');
    admin = client(server.url, team.tokens.admin);
    manager = client(server.url, team.tokens.manager);
    agent = client(server.url, team.tokens.user);
  });
  after(() => server.close());

  it('hides tasks of a process the USER may not see (404 for create, list, read, update; nothing changes)', async () => {
    const hidden = await newLead(admin);
    const task = await newCallTask(admin, hidden.id, { data: { remarks: 'internal' } });
    time.advance(1_000);
    await assertUnreachable(agent, 'lead', [hidden.id, hidden.data.lead_id], task.id);
    assert.deepEqual(await readTask(admin, task.id), task);
    assert.deepEqual(await taskIdsOf(admin, 'lead', hidden.id), [task.id]);
  });

  it('lets the USER work with tasks of a process assigned to them', async () => {
    const mine = await newLead(admin, { assignedTo: 'john' });
    const byAdmin = await newCallTask(admin, mine.id);
    const created = await newCallTask(agent, mine.data.lead_id, { data: { call_disposition: 'INTERESTED' } });
    assert.equal(created.createdBy, team.userIds.john, 'the user key acts as john');
    assert.equal(created.process, mine.id);
    assert.deepEqual(await taskIdsOf(agent, 'lead', mine.id), [created.id, byAdmin.id]);
    assert.deepEqual(await readTask(agent, byAdmin.id), byAdmin);
    const at = time.advance(1_000);
    const updated = dataOf(await agent.put(taskPath(byAdmin.id), { status: 'COMPLETED', data: { remarks: 'spoke to Ted' } }));
    assert.equal(updated.completedAt, at);
    assert.deepEqual(await readTask(admin, byAdmin.id), updated);
  });

  it('lets the USER work with tasks of a process they created', async () => {
    const own = dataOf(await agent.post(LEAD, { data: { first_name: 'Lily' } }));
    assert.equal(own.assignedTo, null);
    const task = await newCallTask(agent, own.id);
    assert.deepEqual(await readTask(agent, task.id), task);
  });

  it('takes the tasks away from the USER once the process is reassigned to someone else', async () => {
    const lead = await newLead(admin, { assignedTo: 'john' });
    const task = await newCallTask(agent, lead.id);
    dataOf(await admin.put(`${LEAD}/${lead.id}`, { assignedTo: 'ravi' }));
    await assertUnreachable(agent, 'lead', [lead.id], task.id);
    assert.deepEqual(await readTask(admin, task.id), task);
  });

  it('lets MANAGER and ADMIN keys work with tasks of any process of the team', async () => {
    const hidden = await newLead(admin);
    for (const [who, c] of [['manager', manager], ['admin', admin]] as const) {
      const task = await newCallTask(c, hidden.data.lead_id, { assignedTo: 'john' });
      assert.deepEqual(await readTask(c, task.id), task, who);
      const updated = dataOf(await c.put(taskPath(task.id), { status: 'CANCELLED' }));
      assert.equal(updated.status, 'CANCELLED', who);
      assert.ok((await taskIdsOf(c, 'lead', hidden.id)).includes(task.id), who);
    }
    assert.equal((await taskIdsOf(manager, 'lead', hidden.id)).length, 2, 'the manager sees the admin-made task too');
  });
});

describe('Tasks: team isolation (API.md §1)', () => {
  let server: TestServer;
  let teamA: SeededTeam;
  let teamB: SeededTeam;
  let adminA: Client;
  before(async () => {
    server = await startTestServer();
    teamA = await seedTeam(server.runtime, 'acme');
    teamB = await seedTeam(server.runtime, 'beta');
    adminA = client(server.url, teamA.tokens.admin);
  });
  after(() => server.close());

  it("answers 404 to every token of team B for team A's tasks and processes, and changes nothing of A", async () => {
    const lead = await newLead(adminA, { assignedTo: 'john' });
    const task = await newCallTask(adminA, lead.id, { data: { call_disposition: 'RNR' } });
    const idsA = await taskConfigIds(server.url, teamA.tokens.admin);
    for (const token of Object.values(teamB.tokens)) {
      const b = client(server.url, token);
      await assertUnreachable(b, 'lead', [lead.id, lead.data.lead_id], task.id);
      await assertUnreachable(b, idsA.procedures.lead, [lead.id], task.id);
    }
    assert.deepEqual(await readTask(adminA, task.id), task);
    assert.deepEqual(await taskIdsOf(adminA, 'lead', lead.id), [task.id]);
  });

  it("keeps B's tasks on B's process when both teams use the same primary-key value", async () => {
    const adminB = client(server.url, teamB.tokens.admin);
    const leadA = await newLead(adminA, { lead_id: 'SHARED-1' });
    const leadB = await newLead(adminB, { lead_id: 'SHARED-1' });
    const taskB = await newCallTask(adminB, 'SHARED-1');
    assert.equal(taskB.process, leadB.id);
    assert.equal(taskB.team, teamB.teamId);
    assert.deepEqual(await taskIdsOf(adminA, 'lead', leadA.id), []);
    assertError(await adminA.get(taskPath(taskB.id)), 404, 'NOT_FOUND');
  });

  it("refuses team A's state task UUID on team B's process (404)", async () => {
    const adminB = client(server.url, teamB.tokens.admin);
    const leadB = await newLead(adminB);
    const idsA = await taskConfigIds(server.url, teamA.tokens.admin);
    assertError(await adminB.post(createTaskPath('lead', leadB.id, idsA.stateTasks.call.id), {}), 404, 'NOT_FOUND');
    assert.deepEqual(await taskIdsOf(adminB, 'lead', leadB.id), []);
  });
});

describe('Tasks of a deleted process (API.md §3 delete, §4)', () => {
  let server: TestServer;
  let admin: Client;
  before(async () => {
    server = await startTestServer();
    const team = await seedTeam(server.runtime, 'acme');
    admin = client(server.url, team.tokens.admin);
  });
  after(() => server.close());

  it('answers 404 for new tasks, the task list and the old tasks once the process is deleted', async () => {
    const lead = await newLead(admin);
    const task = await newCallTask(admin, lead.id);
    dataOf(await admin.delete(`${LEAD}/${lead.id}`));
    await assertUnreachable(admin, 'lead', [lead.id, lead.data.lead_id], task.id);
  });

  it("does not hand a deleted process's tasks to a new process reusing its primary-key value", async () => {
    const old = await newLead(admin, { lead_id: 'REUSED-1' });
    const oldTask = await newCallTask(admin, 'REUSED-1');
    dataOf(await admin.delete(`${LEAD}/${old.id}`));
    const reborn = await newLead(admin, { lead_id: 'REUSED-1' });
    assert.notEqual(reborn.id, old.id);
    assert.deepEqual(await taskIdsOf(admin, 'lead', 'REUSED-1'), []);
    const fresh = await newCallTask(admin, 'REUSED-1');
    assert.equal(fresh.process, reborn.id);
    assert.deepEqual(await taskIdsOf(admin, 'lead', reborn.id), [fresh.id]);
    assertError(await admin.get(taskPath(oldTask.id)), 404, 'NOT_FOUND');
  });
});
