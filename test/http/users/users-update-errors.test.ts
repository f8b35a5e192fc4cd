import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { call, client } from '../../support/http.ts';
import { assertError, dataOf, manualClock } from './users-support.ts';

/** The other team's config UUIDs, which must not be usable here. */
interface Foreign {
  roleId: string;
  podId: string;
}

interface BadBody {
  name: string;
  body: (foreign: Foreign) => unknown;
  /** A message must match this (and so name the field). */
  message: RegExp;
}

const BAD_BODIES: BadBody[] = [
  { name: 'an unknown field next to a valid one', body: () => ({ firstName: 'Zed', colour: 'red' }), message: /^colour: unknown field$/ },
  { name: 'a read-only field', body: () => ({ username: 'johnny' }), message: /^username: unknown field$/ },
  { name: 'a string for a string field\'s number', body: () => ({ firstName: 5 }), message: /^firstName: expected string/ },
  { name: 'a string for dob', body: () => ({ dob: 'yesterday' }), message: /^dob: expected integer/ },
  { name: 'a fraction for dob', body: () => ({ dob: 1.5 }), message: /^dob: expected integer/ },
  { name: 'a dob no date can hold', body: () => ({ dob: 1e20 }), message: /^dob: / },
  { name: 'a dob beyond the safe-integer range', body: () => ({ dob: 1e300 }), message: /^dob: must be <= 8640000000000000, got 1e\+300$/ },
  { name: 'a string for isActive', body: () => ({ isActive: 'yes' }), message: /^isActive: expected boolean/ },
  { name: 'a string for pods', body: () => ({ pods: 'north' }), message: /^pods: expected array/ },
  { name: 'an array for data', body: () => ({ data: [1, 2] }), message: /^data: expected object/ },
  { name: 'an empty object', body: () => ({}), message: /^body: / },
  { name: 'an array', body: () => [{ firstName: 'Zed' }], message: /^body: expected object/ },
  { name: 'an unknown availabilityStatus', body: () => ({ availabilityStatus: 'BUSY' }), message: /^availabilityStatus: expected one of "AVAILABLE", "NOT_AVAILABLE", "ON_BREAK"$/ },
  { name: 'an unknown role', body: () => ({ role: 'ceo' }), message: /^role: unknown role "ceo"$/ },
  { name: 'another team\'s role UUID', body: (f) => ({ role: f.roleId }), message: /^role: unknown role/ },
  { name: 'an unknown pod after a valid one', body: () => ({ firstName: 'Zed', pods: ['south', 'west'] }), message: /^pods: unknown pod "west"$/ },
  { name: 'another team\'s pod UUID', body: (f) => ({ pods: [f.podId] }), message: /^pods: unknown pod/ },
  { name: 'an invalid timezone', body: () => ({ timezone: 'Mars/Olympus' }), message: /^timezone: .*Mars\/Olympus/ },
  { name: 'a phone that is too short', body: () => ({ firstName: 'Zed', primaryPhone: '12345' }), message: /^primaryPhone: / },
  { name: 'a phone that is not a number', body: () => ({ primaryPhone: 'call me' }), message: /^primaryPhone: / },
];

const METHODS = ['PUT', 'PATCH', 'POST'] as const;

describe('Users API update: refused requests change nothing (API.md §0, §6)', () => {
  const time = manualClock();
  let server: TestServer;
  let team: SeededTeam;
  let other: SeededTeam;
  let foreign: Foreign;
  before(async () => {
    server = await startTestServer({ clock: time.clock });
    team = await seedTeam(server.runtime, 'a');
    other = await seedTeam(server.runtime, 'b');
    const config = dataOf(await client(server.url, other.tokens.admin).get('/v1/ext/config'));
    foreign = { roleId: config.roles.find((r: any) => r.shortId === 'sales_manager').id, podId: config.pods[1].id };
  });
  after(() => server.close());

  const admin = () => client(server.url, team.tokens.admin);
  const johnPath = () => `/v1/ext/user/${team.userIds.john}`;
  const snapshot = async () => ({
    v1: dataOf(await admin().get(johnPath())),
    v2: dataOf(await admin().get(`/v2/ext/user/${team.userIds.john}`)),
  });

  BAD_BODIES.forEach((bad, index) => {
    const method = METHODS[index % METHODS.length];
    it(`${method} with ${bad.name}: 400 VALIDATION_FAILED naming the field, user unchanged`, async () => {
      const before = await snapshot();
      time.advance();
      const messages = assertError(await admin().send(method, johnPath(), { json: bad.body(foreign) }), 400, 'VALIDATION_FAILED');
      assert.ok(messages.some((m) => bad.message.test(m)), `expected ${bad.message} among ${JSON.stringify(messages)}`);
      assert.deepEqual(await snapshot(), before);
    });
  });

  it('refuses malformed JSON with 400 on each method, user unchanged', async () => {
    const before = await snapshot();
    for (const method of METHODS) {
      time.advance();
      const res = await call(server.url, method, johnPath(), { token: team.tokens.admin, body: '{"firstName": "Zed",', contentType: 'application/json' });
      assertError(res, 400, 'BAD_REQUEST');
    }
    assert.deepEqual(await snapshot(), before);
  });

  it('refuses a userId that is not a UUID with 400, and an unknown UUID with 404', async () => {
    for (const method of METHODS) {
      assertError(await admin().send(method, '/v1/ext/user/john', { json: { firstName: 'Zed' } }), 400, 'BAD_REQUEST');
      assertError(await admin().send(method, '/v1/ext/user/9763caa1-cef3-497f-b3b2-f551456b2831', { json: { firstName: 'Zed' } }), 404, 'NOT_FOUND');
    }
  });

  it('answers 404 for another team\'s user and leaves that user unchanged', async () => {
    const theirs = client(server.url, other.tokens.admin);
    const path = `/v1/ext/user/${other.userIds.john}`;
    const before = dataOf(await theirs.get(path));
    for (const method of METHODS) {
      time.advance();
      assertError(await admin().send(method, path, { json: { firstName: 'Zed', isActive: false } }), 404, 'NOT_FOUND');
    }
    assert.deepEqual(dataOf(await theirs.get(path)), before);
    assert.equal(before.firstName, 'John');
  });
});
