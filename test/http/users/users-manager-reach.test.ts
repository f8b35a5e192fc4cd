import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { demoConfigWithUsers } from '../../support/processes.ts';
import { assertError, dataOf, manualClock } from './users-support.ts';

const METHODS = ['PUT', 'PATCH', 'POST'] as const;

describe('Users API update: a MANAGER key may update USER and MANAGER users only (API.md §1, §6)', () => {
  const time = manualClock();
  let server: TestServer;
  let team: SeededTeam;
  let ids: { priya: string; ravi: string; john: string; nora: string; adminKeyUser: string };
  before(async () => {
    server = await startTestServer({ clock: time.clock });
    team = await seedTeam(server.runtime, 'acme');
    // nora has no role at all.
    await server.runtime.services.teamConfig.apply({
      teamSlug: 'acme', text: demoConfigWithUsers('acme', ['{ username: nora, firstName: Nora, email: nora@demo.example }']), env: {},
    });
    const users = dataOf(await client(server.url, team.tokens.admin).get('/v1/ext/users?includeServiceAccounts=true'));
    const serviceUsers = users.filter((u: any) => u.isServiceAccount);
    assert.equal(serviceUsers.length, 1, 'the ADMIN key is the only key with a service user');
    ids = { ...team.userIds, nora: users.find((u: any) => u.username === 'nora').id, adminKeyUser: serviceUsers[0].id };
  });
  after(() => server.close());

  const userPath = (id: string) => `/v1/ext/user/${id}`;
  const read = async (id: string) => dataOf(await client(server.url, team.tokens.admin).get(userPath(id)));
  const manager = () => client(server.url, team.tokens.manager);

  it('refuses to update an ADMIN user (403 for every method, nothing changed)', async () => {
    const before = await read(ids.priya);
    for (const method of METHODS) {
      time.advance();
      const why = assertError(await manager().send(method, userPath(ids.priya), { json: { isActive: false, displayName: 'Gone' } }), 403, 'FORBIDDEN');
      assert.match(why[0], /ADMIN/);
    }
    assert.deepEqual(await read(ids.priya), before);
  });

  it("refuses to deactivate the ADMIN key's service user, so the ADMIN key keeps working", async () => {
    const before = await read(ids.adminKeyUser);
    time.advance();
    assertError(await manager().put(userPath(ids.adminKeyUser), { isActive: false }), 403, 'FORBIDDEN');
    assert.deepEqual(await read(ids.adminKeyUser), before);
    assert.equal(before.isActive, true);
    assert.equal((await client(server.url, team.tokens.admin).get('/v1/ext/users')).status, 200);
  });

  it('refuses to update a user with no role (403, nothing changed)', async () => {
    const before = await read(ids.nora);
    assert.equal(before.role, null);
    time.advance();
    assertError(await manager().patch(userPath(ids.nora), { displayName: 'Nora N' }), 403, 'FORBIDDEN');
    assert.deepEqual(await read(ids.nora), before);
  });

  it('updates a USER user and a MANAGER user (200)', async () => {
    const at = time.advance();
    const john = dataOf(await manager().patch(userPath(ids.john), { displayName: 'Johnny', isActive: true }));
    assert.equal(john.displayName, 'Johnny');
    assert.equal(john.updatedAt, at);
    assert.deepEqual(await read(ids.john), john);
    const ravi = dataOf(await manager().put(userPath(ids.ravi), { bio: 'Runs the north pod' }));
    assert.equal(ravi.bio, 'Runs the north pod');
  });

  it('still may not change a role, not even to promote a USER user (403, nothing changed)', async () => {
    const before = await read(ids.john);
    time.advance();
    assertError(await manager().put(userPath(ids.john), { role: 'admin' }), 403, 'FORBIDDEN');
    assertError(await manager().put(userPath(ids.john), { role: 'sales_manager' }), 403, 'FORBIDDEN');
    assert.deepEqual(await read(ids.john), before);
  });

  it('leaves ADMIN keys free to update ADMIN users and users with no role', async () => {
    const admin = client(server.url, team.tokens.admin);
    assert.equal(dataOf(await admin.patch(userPath(ids.priya), { displayName: 'Priya S' })).displayName, 'Priya S');
    assert.equal(dataOf(await admin.patch(userPath(ids.nora), { displayName: 'Nora N' })).displayName, 'Nora N');
  });
});
