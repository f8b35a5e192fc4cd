import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { LEAD, assertError, configIds, createProcess, dataOf, fetchProcess, type Client, type ConfigIds } from '../../support/processes.ts';

describe('Team isolation: one team never reaches another team\'s processes (API.md §1)', () => {
  let server: TestServer;
  let acme: SeededTeam;
  let globex: SeededTeam;
  let acmeIds: ConfigIds;
  let globexIds: ConfigIds;
  let acmeAdmin: Client;
  let theirs: Client[];
  let ours: any;

  before(async () => {
    server = await startTestServer();
    acme = await seedTeam(server.runtime, 'acme');
    globex = await seedTeam(server.runtime, 'globex');
    acmeIds = await configIds(server.url, acme.tokens.admin);
    globexIds = await configIds(server.url, globex.tokens.admin);
    acmeAdmin = client(server.url, acme.tokens.admin);
    theirs = [globex.tokens.admin, globex.tokens.manager, globex.tokens.user].map((token) => client(server.url, token));
    ours = await createProcess(acmeAdmin, LEAD, { data: { first_name: 'Ours', score: 1 }, assignedTo: 'john', record: { data: { phone_number: '9800000001' } } });
  });
  after(() => server.close());

  it('both teams have a `lead` procedure, each its own', () => {
    assert.notEqual(acmeIds.procedures.lead, globexIds.procedures.lead);
    assert.notEqual(acmeIds.team, globexIds.team);
  });

  it("every globex key gets 404 for acme's process id: fetch, update, delete, history, tasks", async () => {
    for (const c of theirs) {
      assertError(await c.get(`${LEAD}/${ours.id}`), 404, 'NOT_FOUND');
      assertError(await c.put(`${LEAD}/${ours.id}`, { data: { score: 99 } }), 404, 'NOT_FOUND');
      assertError(await c.delete(`${LEAD}/${ours.id}`), 404, 'NOT_FOUND');
      assertError(await c.get(`${LEAD}/${ours.id}/history`), 404, 'NOT_FOUND');
      assertError(await c.get(`/v1/ext/p/lead/${ours.id}/tasks`), 404, 'NOT_FOUND');
      assertError(await c.post(`/v1/ext/p/lead/${ours.id}/task/call`, {}), 404, 'NOT_FOUND');
    }
    assert.deepEqual(await fetchProcess(acmeAdmin, LEAD, ours.id), ours);
  });

  it("acme's procedure cannot be addressed by its UUID from globex (404)", async () => {
    const base = `/v1/ext/procedure/${acmeIds.procedures.lead}/process`;
    const [admin] = theirs;
    assertError(await admin.post(base, { data: { first_name: 'Intruder' } }), 404, 'NOT_FOUND');
    assertError(await admin.get(`${base}/${ours.id}`), 404, 'NOT_FOUND');
    assertError(await admin.put(`${base}/${ours.id}`, { data: { score: 99 } }), 404, 'NOT_FOUND');
    assertError(await admin.put(`${base}/lead_id/${ours.data.lead_id}`, { data: { score: 99 } }), 404, 'NOT_FOUND');
    assertError(await admin.delete(`${base}/lead_id/${ours.data.lead_id}`), 404, 'NOT_FOUND');
    assertError(await admin.post(`${base}/list`, {}), 404, 'NOT_FOUND');
  });

  it("acme's primary-key value names nothing in globex until globex has a process with it, then that one", async () => {
    const [admin] = theirs;
    assertError(await admin.put(`${LEAD}/lead_id/${ours.data.lead_id}`, { data: { score: 99 } }), 404, 'NOT_FOUND');
    assertError(await admin.delete(`${LEAD}/lead_id/${ours.data.lead_id}`), 404, 'NOT_FOUND');
    const twin = await createProcess(admin, LEAD, { data: { first_name: 'Twin', lead_id: ours.data.lead_id } });
    assert.equal(twin.procedure, globexIds.procedures.lead);
    assert.equal(twin.team, globexIds.team);
    const updated = dataOf(await admin.put(`${LEAD}/lead_id/${ours.data.lead_id}`, { data: { score: 99 } }));
    assert.equal(updated.id, twin.id);
    assert.equal(dataOf(await admin.delete(`${LEAD}/lead_id/${ours.data.lead_id}`)).id, twin.id);
    assert.deepEqual(await fetchProcess(acmeAdmin, LEAD, ours.id), ours);
  });

  it("usernames resolve within the caller's team; another team's user UUID is refused (400)", async () => {
    const [admin] = theirs;
    const mine = await createProcess(admin, LEAD, { data: { first_name: 'Local' }, assignedTo: 'john' });
    assert.equal(mine.assignedTo, globex.userIds.john);
    assert.notEqual(mine.assignedTo, acme.userIds.john);
    assertError(await admin.post(LEAD, { data: { first_name: 'Foreign' }, assignedTo: acme.userIds.john }), 400, 'VALIDATION_FAILED');
    assertError(await admin.put(`${LEAD}/${mine.id}`, { assignedTo: acme.userIds.ravi }), 400, 'VALIDATION_FAILED');
  });

  it("a globex process can be neither seen nor touched from acme either", async () => {
    const [admin] = theirs;
    const theirsProcess = await createProcess(admin, LEAD, { data: { first_name: 'Theirs' } });
    assertError(await acmeAdmin.get(`${LEAD}/${theirsProcess.id}`), 404, 'NOT_FOUND');
    assertError(await acmeAdmin.delete(`${LEAD}/${theirsProcess.id}`), 404, 'NOT_FOUND');
    assert.equal((await fetchProcess(admin, LEAD, theirsProcess.id)).isDeleted, false);
  });

  it("acme's process is unchanged and its history names no globex user", async () => {
    assert.deepEqual(await fetchProcess(acmeAdmin, LEAD, ours.id), ours);
    const history = dataOf(await acmeAdmin.get(`${LEAD}/${ours.id}/history`));
    assert.deepEqual(history.map((e: any) => e.action), ['create']);
  });
});
