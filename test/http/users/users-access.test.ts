import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { assertError, dataOf, manualClock, waitFor } from './users-support.ts';

const METHODS = ['PUT', 'PATCH', 'POST'] as const;

describe('Users API update: who may update (API.md §1, §6)', () => {
  const time = manualClock();
  let server: TestServer;
  let team: SeededTeam;
  let roleIds: Record<string, string>;
  before(async () => {
    server = await startTestServer({ clock: time.clock });
    team = await seedTeam(server.runtime, 'acme');
    const config = dataOf(await client(server.url, team.tokens.admin).get('/v1/ext/config'));
    roleIds = Object.fromEntries(config.roles.map((r: any) => [r.shortId, r.id]));
  });
  after(() => server.close());

  const userPath = (id: string) => `/v1/ext/user/${id}`;
  const read = async (id: string) => dataOf(await client(server.url, team.tokens.admin).get(userPath(id)));

  it('lets a USER-role key read users but not update any, itself included (403, nothing changed)', async () => {
    const agent = client(server.url, team.tokens.user);
    dataOf(await agent.get('/v1/ext/users'));
    dataOf(await agent.get('/v2/ext/users'));
    dataOf(await agent.get(userPath(team.userIds.ravi)));
    for (const id of [team.userIds.john, team.userIds.ravi]) {
      const before = await read(id);
      for (const method of METHODS) {
        time.advance();
        assertError(await agent.send(method, userPath(id), { json: { firstName: 'Hacked' } }), 403, 'FORBIDDEN');
      }
      assert.deepEqual(await read(id), before);
    }
  });

  it('lets a MANAGER-role key update fields but not the role (403, nothing changed)', async () => {
    const manager = client(server.url, team.tokens.manager);
    const at = time.advance();
    const updated = dataOf(await manager.patch(userPath(team.userIds.john), { displayName: 'Johnny', availabilityStatus: 'ON_BREAK' }));
    assert.equal(updated.displayName, 'Johnny');
    assert.equal(updated.updatedAt, at);
    const before = await read(team.userIds.john);
    for (const role of ['admin', roleIds.admin]) {
      time.advance();
      assertError(await manager.put(userPath(team.userIds.john), { displayName: 'Boss', role }), 403, 'FORBIDDEN');
    }
    assert.deepEqual(await read(team.userIds.john), before);
    assert.equal(before.role, roleIds.inside_sales);
  });

  it('lets an ADMIN-role key change a role, by shortId or UUID', async () => {
    const admin = client(server.url, team.tokens.admin);
    dataOf(await admin.put(userPath(team.userIds.john), { role: 'sales_manager' }));
    assert.equal((await read(team.userIds.john)).role, roleIds.sales_manager);
    assert.equal(dataOf(await admin.get(`/v2/ext/user/${team.userIds.john}`)).role, 'sales_manager');
    dataOf(await admin.post(userPath(team.userIds.john), { role: roleIds.inside_sales }));
    assert.equal((await read(team.userIds.john)).role, roleIds.inside_sales);
  });
});

describe('Users API update: deactivating a user stops the keys acting as it (API.md §1)', () => {
  let server: TestServer;
  let team: SeededTeam;
  before(async () => {
    server = await startTestServer();
    team = await seedTeam(server.runtime, 'acme');
  });
  after(() => server.close());

  const managerStatus = async () => (await client(server.url, team.tokens.manager).get('/v1/ext/users')).status;

  it('answers 401 to the manager key (acting as ravi) within about a second of ravi\'s deactivation', async () => {
    // Used once first, so a cached credential has to be dropped for the 401.
    assert.equal(await managerStatus(), 200);
    const admin = client(server.url, team.tokens.admin);
    const ravi = dataOf(await admin.put(`/v1/ext/user/${team.userIds.ravi}`, { isActive: false }));
    assert.equal(ravi.isActive, false);
    const waited = await waitFor(async () => (await managerStatus()) === 401, 2000);
    assert.notEqual(waited, null, 'the manager key still works 2 s after ravi was deactivated');
    assertError(await client(server.url, team.tokens.manager).get(`/v1/ext/user/${team.userIds.john}`), 401, 'UNAUTHORIZED');
    // Keys acting as other users are not affected.
    assert.equal((await client(server.url, team.tokens.user).get('/v1/ext/users')).status, 200);
    assert.equal(dataOf(await admin.get(`/v1/ext/user/${team.userIds.ravi}`)).isActive, false);
  });

  it('lets the manager key work again once ravi is reactivated', async () => {
    dataOf(await client(server.url, team.tokens.admin).patch(`/v1/ext/user/${team.userIds.ravi}`, { isActive: true }));
    const waited = await waitFor(async () => (await managerStatus()) === 200, 2000);
    assert.notEqual(waited, null, 'the manager key still fails 2 s after ravi was reactivated');
  });
});
