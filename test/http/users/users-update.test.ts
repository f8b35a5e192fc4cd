import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { USER_KEYS, dataOf, manualClock } from './users-support.ts';

/** Config UUIDs by shortId, read through `GET /v1/ext/config` as a client would. */
interface Ids {
  roles: Record<string, string>;
  pods: Record<string, string>;
}

interface FieldCase {
  name: string;
  body: (ids: Ids) => Record<string, unknown>;
  check: (user: any, ids: Ids) => void;
  /** Keys of the user object the update may change besides `updatedAt` (default: the body's keys). */
  touches?: string[];
}

const phoneNumbers = (user: any): string[] => user.phones.map((p: any) => p.phone).sort();

const CASES: FieldCase[] = [
  { name: 'firstName', body: () => ({ firstName: 'Jonathan' }), check: (u) => assert.equal(u.firstName, 'Jonathan') },
  { name: 'lastName', body: () => ({ lastName: 'Doe-Smith' }), check: (u) => assert.equal(u.lastName, 'Doe-Smith') },
  { name: 'middleName', body: () => ({ middleName: 'Quincy' }), check: (u) => assert.equal(u.middleName, 'Quincy') },
  { name: 'displayName', body: () => ({ displayName: 'JD' }), check: (u) => assert.equal(u.displayName, 'JD') },
  { name: 'gender', body: () => ({ gender: 'male' }), check: (u) => assert.equal(u.gender, 'male') },
  { name: 'dob (before 1970)', body: () => ({ dob: -631152000000 }), check: (u) => assert.equal(u.dob, -631152000000) },
  { name: 'bio', body: () => ({ bio: 'Sells "things"\nünïcode ✓' }), check: (u) => assert.equal(u.bio, 'Sells "things"\nünïcode ✓') },
  { name: 'timezone (IANA name)', body: () => ({ timezone: 'Asia/Kolkata' }), check: (u) => assert.equal(u.timezone, 'Asia/Kolkata') },
  { name: 'timezone (offset)', body: () => ({ timezone: '-04:00' }), check: (u) => assert.equal(u.timezone, '-04:00') },
  { name: 'availabilityStatus', body: () => ({ availabilityStatus: 'ON_BREAK' }), check: (u) => assert.equal(u.availabilityStatus, 'ON_BREAK') },
  { name: 'availabilityStatus again', body: () => ({ availabilityStatus: 'NOT_AVAILABLE' }), check: (u) => assert.equal(u.availabilityStatus, 'NOT_AVAILABLE') },
  { name: 'isActive false', body: () => ({ isActive: false }), check: (u) => assert.equal(u.isActive, false) },
  { name: 'isActive true', body: () => ({ isActive: true }), check: (u) => assert.equal(u.isActive, true) },
  {
    name: 'data (an object)',
    body: () => ({ data: { shift: 'night', level: 2, tags: ['a', 'b'], nested: { ok: true } } }),
    check: (u) => assert.deepEqual(u.data, { shift: 'night', level: 2, tags: ['a', 'b'], nested: { ok: true } }),
  },
  { name: 'data (null)', body: () => ({ data: null }), check: (u) => assert.equal(u.data, null) },
  { name: 'role by shortId', body: () => ({ role: 'sales_manager' }), check: (u, ids) => assert.equal(u.role, ids.roles.sales_manager) },
  { name: 'role by UUID', body: (ids) => ({ role: ids.roles.admin }), check: (u, ids) => assert.equal(u.role, ids.roles.admin) },
  {
    name: 'pods by shortId',
    body: () => ({ pods: ['south', 'north'] }),
    check: (u, ids) => assert.deepEqual([...u.pods].sort(), [ids.pods.north, ids.pods.south].sort()),
  },
  { name: 'pods by UUID', body: (ids) => ({ pods: [ids.pods.south] }), check: (u, ids) => assert.deepEqual(u.pods, [ids.pods.south]) },
  { name: 'pods emptied', body: () => ({ pods: [] }), check: (u) => assert.deepEqual(u.pods, []) },
  {
    name: 'primaryPhone (a new number, normalised)',
    body: () => ({ primaryPhone: '+91 98450-00001' }),
    check: (u) => {
      assert.equal(u.primaryPhone.phone, '919845000001');
      assert.deepEqual(phoneNumbers(u), ['919845000001', '919900112233']);
    },
    touches: ['primaryPhone', 'phones'],
  },
  {
    name: 'primaryPhone (a number the user already has)',
    body: () => ({ primaryPhone: '919900112233' }),
    check: (u) => {
      assert.equal(u.primaryPhone.phone, '919900112233');
      assert.deepEqual(phoneNumbers(u), ['919845000001', '919900112233']);
    },
  },
  { name: 'primaryPhone (null)', body: () => ({ primaryPhone: null }), check: (u) => assert.equal(u.primaryPhone, null) },
  {
    name: 'profileImageUrl',
    body: () => ({ profileImageUrl: 'https://cdn.example.com/john.png' }),
    check: (u) => assert.equal(u.profileImageUrl, 'https://cdn.example.com/john.png'),
  },
];

const METHODS = ['PUT', 'PATCH', 'POST'] as const;

describe('Users API update: every updatable field, on PUT, PATCH and POST (API.md §6)', () => {
  const time = manualClock();
  let server: TestServer;
  let team: SeededTeam;
  let ids: Ids;
  before(async () => {
    server = await startTestServer({ clock: time.clock });
    team = await seedTeam(server.runtime, 'acme');
    const config = dataOf(await client(server.url, team.tokens.admin).get('/v1/ext/config'));
    const byShortId = (objects: any[]) => Object.fromEntries(objects.map((o) => [o.shortId, o.id]));
    ids = { roles: byShortId(config.roles), pods: byShortId(config.pods) };
  });
  after(() => server.close());

  const johnPath = () => `/v1/ext/user/${team.userIds.john}`;
  const getJohn = async () => dataOf(await client(server.url, team.tokens.admin).get(johnPath()));

  CASES.forEach((c, index) => {
    const method = METHODS[index % METHODS.length];
    it(`${method} changes ${c.name}, and only that, and moves updatedAt`, async () => {
      const before = await getJohn();
      const at = time.advance();
      const returned = dataOf(await client(server.url, team.tokens.admin).send(method, johnPath(), { json: c.body(ids) }));
      const after = await getJohn();
      assert.deepEqual(returned, after, 'the answer is the updated user');
      c.check(after, ids);
      assert.equal(after.updatedAt, at);
      assert.ok(after.updatedAt > before.updatedAt);
      const touched = new Set([...(c.touches ?? Object.keys(c.body(ids))), 'updatedAt']);
      for (const key of USER_KEYS.filter((k) => !touched.has(k))) assert.deepEqual(after[key], before[key], `${key} should not change`);
    });
  });

  it('takes several fields at once, on each method', async () => {
    for (const method of METHODS) {
      const at = time.advance();
      const body = { firstName: `First ${method}`, lastName: `Last ${method}`, availabilityStatus: 'AVAILABLE' };
      dataOf(await client(server.url, team.tokens.admin).send(method, johnPath(), { json: body }));
      const john = await getJohn();
      assert.equal(john.firstName, `First ${method}`);
      assert.equal(john.lastName, `Last ${method}`);
      assert.equal(john.availabilityStatus, 'AVAILABLE');
      assert.equal(john.updatedAt, at);
    }
  });

  it('shows the changes in v2 too, humanized', async () => {
    const at = time.advance();
    dataOf(await client(server.url, team.tokens.admin).patch(johnPath(), { role: 'inside_sales', pods: ['north'], primaryPhone: '919900112233' }));
    const v2 = dataOf(await client(server.url, team.tokens.admin).get(`/v2/ext/user/${team.userIds.john}`));
    assert.equal(v2.role, 'inside_sales');
    assert.deepEqual(v2.pods, ['north']);
    assert.equal(v2.primaryPhone, '919900112233');
    assert.equal(Date.parse(v2.updatedAt), at);
    assert.match(v2.updatedAt, /\+05:30$/);
  });

  it('leaves the other users alone', async () => {
    const api = client(server.url, team.tokens.admin);
    const ravi = dataOf(await api.get(`/v1/ext/user/${team.userIds.ravi}`));
    assert.equal(ravi.firstName, 'Ravi');
    assert.equal(ravi.updatedAt, ravi.createdAt);
    assert.deepEqual(ravi.pods, [ids.pods.north]);
  });
});
