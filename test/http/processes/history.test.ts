import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { LEAD, UUID, assertError, createProcess, dataOf, manualClock, type Client } from '../../support/processes.ts';

const historyOf = (c: Client, id: string, query = '') => c.get(`${LEAD}/${id}/history${query}`);

describe('Process history extension: GET …/process/{id}/history (API.md §3)', () => {
  const time = manualClock();
  let server: TestServer;
  let acme: SeededTeam;
  let admin: Client;
  let manager: Client;
  let john: Client;
  let adminUser: string;

  before(async () => {
    server = await startTestServer({ clock: time.clock });
    acme = await seedTeam(server.runtime, 'acme');
    admin = client(server.url, acme.tokens.admin);
    manager = client(server.url, acme.tokens.manager);
    john = client(server.url, acme.tokens.user);
    adminUser = (await createProcess(admin, LEAD, { data: { first_name: 'Probe' } })).createdBy;
  });
  after(() => server.close());

  it('records the create, each update with from/to of what changed, and the delete, each with who and when', async () => {
    const createdAt = time.advance();
    const p = await createProcess(manager, LEAD, { data: { first_name: 'Ted', score: 1 }, assignedTo: 'john' });
    const updatedAt = time.advance();
    dataOf(await admin.put(`${LEAD}/${p.id}`, { data: { score: 5, city: 'Goa' }, state: 'IN_PROGRESS' }));
    const byJohnAt = time.advance();
    await john.put(`${LEAD}/lead_id/${p.data.lead_id}`, { data: { city: null }, nextActionAt: 1_700_000_000_000 });
    const deletedAt = time.advance();
    dataOf(await manager.delete(`${LEAD}/${p.id}`));

    const entries = dataOf(await historyOf(manager, p.id));
    assert.deepEqual(entries.map((e: any) => e.action), ['create', 'update', 'update', 'delete']);
    for (const entry of entries) {
      assert.deepEqual(Object.keys(entry).sort(), ['action', 'changes', 'createdAt', 'id', 'user']);
      assert.match(entry.id, UUID);
    }
    const [create, update, byJohn, del] = entries;
    assert.deepEqual([create.createdAt, update.createdAt, byJohn.createdAt, del.createdAt], [createdAt, updatedAt, byJohnAt, deletedAt]);
    assert.equal(create.user, acme.userIds.ravi);
    assert.equal(create.changes.data.first_name, 'Ted');
    assert.equal(create.changes.data.lead_id, p.data.lead_id);
    assert.equal(update.user, adminUser, 'the admin key acts as its own service user');
    assert.deepEqual(update.changes, {
      state: { from: 'NEW', to: 'IN_PROGRESS' },
      data: { score: { from: 1, to: 5 }, city: { from: null, to: 'Goa' } },
    });
    assert.equal(byJohn.user, acme.userIds.john);
    assert.deepEqual(byJohn.changes, { nextActionAt: { from: 0, to: 1_700_000_000_000 }, data: { city: { from: 'Goa', to: null } } });
    assert.equal(del.user, acme.userIds.ravi);
    assert.deepEqual(del.changes, { isDeleted: { from: false, to: true } });
  });

  it('records status, completion and assignment changes', async () => {
    const p = await createProcess(admin, LEAD, { data: { first_name: 'Lily' } });
    await admin.put(`${LEAD}/${p.id}`, { status: 'COMPLETED', assignedTo: 'ravi' });
    const [, entry] = dataOf(await historyOf(admin, p.id));
    assert.deepEqual(entry.changes.status, { from: 'OPEN', to: 'COMPLETED' });
    assert.deepEqual(entry.changes.state, { from: 'NEW', to: 'CONVERTED' });
    assert.deepEqual(entry.changes.assignedTo, { from: null, to: acme.userIds.ravi });
  });

  it('an update that changes nothing and a refused update add no entry', async () => {
    const p = await createProcess(admin, LEAD, { data: { first_name: 'Robin', score: 3 } });
    await admin.put(`${LEAD}/${p.id}`, { data: { score: '3' } });
    await admin.put(`${LEAD}/${p.id}`, {});
    assertError(await admin.put(`${LEAD}/${p.id}`, { data: { score: 4, colour: 'red' } }), 400, 'UNKNOWN_ATTRIBUTE');
    assertError(await admin.put(`${LEAD}/${p.id}`, { data: { first_name: null } }), 400, 'VALIDATION_FAILED');
    assert.deepEqual(dataOf(await historyOf(admin, p.id)).map((e: any) => e.action), ['create']);
  });

  it('pages with skip and limit (default 10, oldest first), _meta says whether more exist', async () => {
    const p = await createProcess(admin, LEAD, { data: { first_name: 'Barney', score: 0 } });
    for (let score = 1; score <= 12; score++) {
      time.advance();
      dataOf(await admin.put(`${LEAD}/${p.id}`, { data: { score } }));
    }
    const scoreOf = (e: any) => (e.action === 'create' ? e.changes.data.score : e.changes.data.score.to);
    const first = await historyOf(admin, p.id);
    assert.deepEqual(dataOf(first).map(scoreOf), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(first.body._meta, { hasMore: true, skip: 0, limit: 10 });
    const rest = await historyOf(admin, p.id, '?skip=10');
    assert.deepEqual(dataOf(rest).map(scoreOf), [10, 11, 12]);
    assert.equal(rest.body._meta.hasMore, false);
    const middle = await historyOf(admin, p.id, '?skip=2&limit=3');
    assert.deepEqual(dataOf(middle).map(scoreOf), [2, 3, 4]);
    assert.deepEqual(middle.body._meta, { hasMore: true, skip: 2, limit: 3 });
    const exact = await historyOf(admin, p.id, '?skip=10&limit=3');
    assert.equal(exact.body._meta.hasMore, false, 'the last page is exactly full');
    const big = await historyOf(admin, p.id, '?limit=500');
    assert.equal(dataOf(big).length, 13);
    assert.equal(big.body._meta.limit, 100, 'limits above 100 are clamped');
    assert.deepEqual(dataOf(await historyOf(admin, p.id, '?skip=50')), []);
  });

  it('bad paging parameters are 400', async () => {
    const p = await createProcess(admin, LEAD, { data: { first_name: 'Marshall' } });
    for (const query of ['?limit=0', '?skip=-1', '?limit=abc', '?colour=red']) assertError(await historyOf(admin, p.id, query), 400, 'VALIDATION_FAILED');
  });

  it('a process deleted, and a new one with its primary key, keep separate histories', async () => {
    const first = await createProcess(admin, LEAD, { data: { first_name: 'One', lead_id: 'LEAD-H' } });
    dataOf(await admin.delete(`${LEAD}/lead_id/LEAD-H`));
    const second = await createProcess(admin, LEAD, { data: { first_name: 'Two', lead_id: 'LEAD-H' } });
    assert.deepEqual(dataOf(await historyOf(admin, first.id)).map((e: any) => e.action), ['create', 'delete']);
    assert.deepEqual(dataOf(await historyOf(admin, second.id)).map((e: any) => e.action), ['create']);
  });
});
