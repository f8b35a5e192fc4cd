import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { assertError, configWithoutUser, dataOf, manualClock } from './users-support.ts';

describe('Users API list: deleted users stay listed (API.md §6)', () => {
  const time = manualClock();
  let server: TestServer;
  let team: SeededTeam;
  let deletedAt: number;
  before(async () => {
    server = await startTestServer({ clock: time.clock });
    team = await seedTeam(server.runtime, 'acme');
    deletedAt = time.advance(60_000);
    const text = configWithoutUser('acme', 'john');
    assert.ok(!text.includes('john@demo.example'));
    await server.runtime.services.teamConfig.apply({ teamSlug: 'acme', text, env: {}, prune: true });
  });
  after(() => server.close());

  it('lists a pruned user with isDeleted true and when it was deleted', async () => {
    const list = dataOf(await client(server.url, team.tokens.admin).get('/v1/ext/users'));
    assert.deepEqual(list.map((u: any) => u.username).sort(), ['john', 'priya', 'ravi']);
    const john = list.find((u: any) => u.username === 'john');
    assert.equal(john.id, team.userIds.john);
    assert.equal(john.isDeleted, true);
    assert.equal(john.isActive, false);
    assert.equal(john.deletedAt, deletedAt);
    assert.equal(john.updatedAt, deletedAt);
    for (const other of list.filter((u: any) => u.username !== 'john')) {
      assert.equal(other.isDeleted, false);
      assert.equal(other.deletedAt, null);
    }
  });

  it('gives the deletion time in the team\'s timezone in v2', async () => {
    const list = dataOf(await client(server.url, team.tokens.admin).get('/v2/ext/users'));
    const john = list.find((u: any) => u.username === 'john');
    assert.equal(john.isDeleted, true);
    assert.equal(john.deletedAt, '2021-09-16T18:35:58.108+05:30');
    assert.equal(Date.parse(john.deletedAt), deletedAt);
    assert.equal(list.find((u: any) => u.username === 'ravi').deletedAt, null);
  });

  it('answers 404 when a deleted user is fetched or updated, like any deleted object (API.md §0)', async () => {
    const api = client(server.url, team.tokens.admin);
    assertError(await api.get(`/v1/ext/user/${team.userIds.john}`), 404, 'NOT_FOUND');
    assertError(await api.get(`/v2/ext/user/${team.userIds.john}`), 404, 'NOT_FOUND');
    time.advance();
    assertError(await api.put(`/v1/ext/user/${team.userIds.john}`, { isActive: true }), 404, 'NOT_FOUND');
    const john = dataOf(await api.get('/v1/ext/users')).find((u: any) => u.username === 'john');
    assert.equal(john.isActive, false);
    assert.equal(john.updatedAt, deletedAt);
  });
});

describe('Users API list: team isolation on reads (API.md §1)', () => {
  let server: TestServer;
  let teamA: SeededTeam;
  let teamB: SeededTeam;
  before(async () => {
    server = await startTestServer();
    teamA = await seedTeam(server.runtime, 'a');
    teamB = await seedTeam(server.runtime, 'b');
  });
  after(() => server.close());

  it('never lists another team\'s users, service users included', async () => {
    const idsOfA = new Set(dataOf(await client(server.url, teamA.tokens.admin).get('/v1/ext/users?includeServiceAccounts=true')).map((u: any) => u.id));
    assert.ok(idsOfA.has(teamA.userIds.priya));
    for (const token of Object.values(teamB.tokens)) {
      for (const path of ['/v1/ext/users', '/v2/ext/users', '/v1/ext/users?includeServiceAccounts=true', '/v2/ext/users?includeServiceAccounts=true']) {
        const list = dataOf(await client(server.url, token).get(path));
        assert.ok(list.length >= 3, path);
        for (const user of list) assert.ok(!idsOfA.has(user.id), `${path} shows a user of team a`);
        assert.deepEqual(list.filter((u: any) => !u.isServiceAccount).map((u: any) => u.id).sort(), Object.values(teamB.userIds).sort());
      }
    }
    const v1 = dataOf(await client(server.url, teamB.tokens.admin).get('/v1/ext/users'));
    assert.ok(v1.every((u: any) => u.team === teamB.teamId));
    const v2 = dataOf(await client(server.url, teamB.tokens.admin).get('/v2/ext/users'));
    assert.ok(v2.every((u: any) => u.team === 'b'));
  });

  it('answers 404 for another team\'s user ids, in v1 and v2, whatever the role', async () => {
    for (const token of Object.values(teamB.tokens)) {
      for (const id of Object.values(teamA.userIds)) {
        assertError(await client(server.url, token).get(`/v1/ext/user/${id}`), 404, 'NOT_FOUND');
        assertError(await client(server.url, token).get(`/v2/ext/user/${id}`), 404, 'NOT_FOUND');
      }
    }
    // The same ids are found by their own team, so the 404s above are about the team alone.
    dataOf(await client(server.url, teamA.tokens.user).get(`/v2/ext/user/${teamA.userIds.john}`));
  });
});
