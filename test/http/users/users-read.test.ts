import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { EMAIL_KEYS, SAMPLE_INSTANT, USER_KEYS, assertError, dataOf, manualClock } from './users-support.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STRING_KEYS = ['username', 'firstName', 'lastName', 'middleName', 'displayName', 'gender', 'bio', 'profileImageUrl', 'coverImageUrl', 'timezone'];

/** The JSON types of the Fetch User sample (chakra-api.md §3.1), key by key. */
function assertV1Shape(user: any): void {
  assert.deepEqual(Object.keys(user).sort(), USER_KEYS);
  assert.match(user.id, UUID);
  for (const key of ['createdAt', 'updatedAt', 'dob']) assert.ok(Number.isInteger(user[key]), `${key} should be an integer`);
  for (const key of STRING_KEYS) assert.equal(typeof user[key], 'string', key);
  for (const key of ['isActive', 'isDeleted', 'isServiceAccount']) assert.equal(typeof user[key], 'boolean', key);
  assert.ok(['AVAILABLE', 'NOT_AVAILABLE', 'ON_BREAK'].includes(user.availabilityStatus));
  assert.ok(Array.isArray(user.phones));
  assert.ok(Array.isArray(user.emails));
  for (const email of user.emails) {
    assert.deepEqual(Object.keys(email).sort(), EMAIL_KEYS);
    assert.ok(Number.isInteger(email.createdAt) && Number.isInteger(email.updatedAt));
    assert.equal(typeof email.isVerified, 'boolean');
    assert.equal(email.user, user.id);
  }
  assert.equal(user.profile, null);
  assert.match(user.team, UUID);
  for (const id of [...user.pods, ...user.reportees]) assert.match(id, UUID);
  if (user.primaryEmail !== null) assert.ok(user.emails.some((e: unknown) => isDeepEqual(e, user.primaryEmail)), 'primaryEmail is one of emails');
  if (user.primaryPhone !== null) assert.ok(user.phones.some((p: unknown) => isDeepEqual(p, user.primaryPhone)), 'primaryPhone is one of phones');
}

function isDeepEqual(a: unknown, b: unknown): boolean {
  try {
    assert.deepEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

describe('Users API reads: the v1 user object (API.md §6)', () => {
  const time = manualClock();
  let server: TestServer;
  let team: SeededTeam;
  let config: any;
  let users: Record<'priya' | 'ravi' | 'john', any>;
  before(async () => {
    server = await startTestServer({ clock: time.clock });
    team = await seedTeam(server.runtime, 'acme');
    const api = client(server.url, team.tokens.admin);
    config = dataOf(await api.get('/v1/ext/config'));
    const fetch = async (id: string) => dataOf(await api.get(`/v1/ext/user/${id}`));
    users = { priya: await fetch(team.userIds.priya), ravi: await fetch(team.userIds.ravi), john: await fetch(team.userIds.john) };
  });
  after(() => server.close());

  const roleShortIdOf = (id: string) => config.roles.find((r: any) => r.id === id)?.shortId;
  const podShortIdsOf = (ids: string[]) => ids.map((id) => config.pods.find((p: any) => p.id === id)?.shortId);

  it('has every key of the sample with the sample\'s JSON types, and defaults like the sample', () => {
    for (const user of Object.values(users)) {
      assertV1Shape(user);
      assert.equal(user.data, null);
      assert.equal(user.onboardingData, null);
      assert.equal(user.deletedAt, null);
      assert.equal(user.isDeleted, false);
      assert.equal(user.isActive, true);
      assert.equal(user.isServiceAccount, false);
      assert.equal(user.availabilityStatus, 'AVAILABLE');
      assert.equal(user.dob, 0);
      assert.equal(user.createdAt, SAMPLE_INSTANT);
      assert.equal(user.team, team.teamId);
    }
  });

  it('carries the values of the team config: names, emails, roles and pods by UUID', () => {
    assert.equal(users.john.username, 'john');
    assert.equal(users.john.firstName, 'John');
    assert.equal(users.john.lastName, 'Doe');
    assert.deepEqual(users.john.emails.map((e: any) => e.email), ['john@demo.example']);
    assert.equal(users.john.primaryEmail.email, 'john@demo.example');
    assert.equal(users.john.primaryEmail.normalizedEmail, 'john@demo.example');
    assert.equal(users.priya.primaryEmail.email, 'priya@demo.example');
    assert.equal(config.team.id, team.teamId);
    assert.equal(roleShortIdOf(users.priya.role), 'admin');
    assert.equal(roleShortIdOf(users.ravi.role), 'sales_manager');
    assert.equal(roleShortIdOf(users.john.role), 'inside_sales');
    assert.deepEqual(podShortIdsOf(users.ravi.pods), ['north']);
    assert.deepEqual(podShortIdsOf(users.john.pods), ['north']);
    assert.deepEqual(users.priya.pods, []);
  });

  it('lists reportees as user UUIDs', () => {
    assert.deepEqual(users.priya.reportees, [team.userIds.ravi]);
    assert.deepEqual(users.ravi.reportees, [team.userIds.john]);
    assert.deepEqual(users.john.reportees, []);
  });

  it('gives phones normalised to digits, the primary one as an object, or null when there is none', () => {
    assert.equal(users.john.primaryPhone.phone, '919900112233');
    assert.equal(users.ravi.primaryPhone.phone, '919900112234');
    assert.deepEqual(users.ravi.phones.map((p: any) => p.phone), ['919900112234']);
    assert.equal(users.ravi.primaryPhone.user, team.userIds.ravi);
    assert.equal(users.priya.primaryPhone, null);
    assert.deepEqual(users.priya.phones, []);
  });

  it('lists the team\'s users, each as Fetch User shows it, and any role may read', async () => {
    for (const token of [team.tokens.admin, team.tokens.manager, team.tokens.user]) {
      const list = dataOf(await client(server.url, token).get('/v1/ext/users'));
      assert.deepEqual(list.map((u: any) => u.username).sort(), ['john', 'priya', 'ravi']);
      for (const name of ['priya', 'ravi', 'john'] as const) {
        assert.deepEqual(list.find((u: any) => u.username === name), users[name]);
      }
      assert.deepEqual(dataOf(await client(server.url, token).get(`/v1/ext/user/${team.userIds.priya}`)), users.priya);
    }
  });

  it('leaves service users out unless includeServiceAccounts=true', async () => {
    const api = client(server.url, team.tokens.admin);
    const adminKey = (await server.runtime.services.apiKeys.listKeys(team.slug)).find((k) => k.name === 'admin key')!;
    assert.equal(adminKey.isServiceAccount, true);
    const plain = dataOf(await api.get('/v1/ext/users?includeServiceAccounts=false'));
    assert.ok(plain.every((u: any) => u.isServiceAccount === false && u.username !== adminKey.user));
    const all = dataOf(await api.get('/v1/ext/users?includeServiceAccounts=true'));
    assert.equal(all.length, plain.length + 1);
    const service = all.find((u: any) => u.username === adminKey.user);
    assertV1Shape(service);
    assert.equal(service.isServiceAccount, true);
    const v2 = dataOf(await api.get('/v2/ext/users?includeServiceAccounts=true'));
    assert.equal(v2.find((u: any) => u.username === adminKey.user)?.isServiceAccount, true);
  });

  it('refuses a userId that is not a UUID with 400 and an unknown one with 404', async () => {
    const api = client(server.url, team.tokens.admin);
    for (const version of ['v1', 'v2']) {
      assertError(await api.get(`/${version}/ext/user/not-a-uuid`), 400, 'BAD_REQUEST');
      assertError(await api.get(`/${version}/ext/user/9763caa1-cef3-497f-b3b2-f551456b2831`), 404, 'NOT_FOUND');
    }
  });
});

describe('Users API reads: the v2 humanized user (API.md §6)', () => {
  const time = manualClock();
  let server: TestServer;
  let team: SeededTeam;
  before(async () => {
    server = await startTestServer({ clock: time.clock });
    team = await seedTeam(server.runtime, 'paisapay');
  });
  after(() => server.close());

  const HUMANIZED = ['createdAt', 'updatedAt', 'team', 'role', 'pods', 'primaryEmail', 'primaryPhone'];

  it('differs from v1 only in times and references, humanized like the sample', async () => {
    const api = client(server.url, team.tokens.user);
    const config = dataOf(await api.get('/v1/ext/config'));
    for (const id of Object.values(team.userIds)) {
      const v1 = dataOf(await api.get(`/v1/ext/user/${id}`));
      const v2 = dataOf(await api.get(`/v2/ext/user/${id}`));
      assert.deepEqual(Object.keys(v2).sort(), USER_KEYS);
      for (const key of USER_KEYS.filter((k) => !HUMANIZED.includes(k))) assert.deepEqual(v2[key], v1[key], key);
      assert.equal(v2.createdAt, '2021-09-16T18:34:58.108+05:30');
      for (const key of ['createdAt', 'updatedAt']) assert.equal(Date.parse(v2[key]), v1[key], `${key} is the same instant`);
      assert.equal(v2.team, 'paisapay');
      assert.equal(v2.role, config.roles.find((r: any) => r.id === v1.role).shortId);
      assert.deepEqual(v2.pods, v1.pods.map((p: string) => config.pods.find((c: any) => c.id === p).shortId));
      assert.equal(v2.primaryEmail, v1.primaryEmail.email);
      assert.equal(v2.primaryPhone, v1.primaryPhone === null ? null : v1.primaryPhone.phone);
    }
  });

  it('shows the demo users with readable references', async () => {
    const api = client(server.url, team.tokens.admin);
    const john = dataOf(await api.get(`/v2/ext/user/${team.userIds.john}`));
    assert.equal(john.role, 'inside_sales');
    assert.deepEqual(john.pods, ['north']);
    assert.equal(john.primaryEmail, 'john@demo.example');
    assert.equal(john.primaryPhone, '919900112233');
    const priya = dataOf(await api.get(`/v2/ext/user/${team.userIds.priya}`));
    assert.equal(priya.role, 'admin');
    assert.equal(priya.primaryPhone, null);
    assert.deepEqual(priya.reportees, [team.userIds.ravi]);
  });

  it('lists the same humanized users as Fetch User (V2)', async () => {
    const api = client(server.url, team.tokens.admin);
    const list = dataOf(await api.get('/v2/ext/users'));
    assert.deepEqual(list.map((u: any) => u.username).sort(), ['john', 'priya', 'ravi']);
    for (const user of list) assert.deepEqual(dataOf(await api.get(`/v2/ext/user/${user.id}`)), user);
  });
});
