import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { call } from '../../support/http.ts';

/** Polls until `check` is true or `ms` pass; returns how long it took, or null on timeout. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number | null> {
  const started = Date.now();
  while (Date.now() - started <= ms) {
    if (await check()) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return null;
}

describe('API keys and tokens (API.md §1)', () => {
  let server: TestServer;
  let team: SeededTeam;
  before(async () => {
    server = await startTestServer();
    team = await seedTeam(server.runtime, 'keys');
  });
  after(() => server.close());

  it('stores only a hash of each token', async () => {
    const rows = await server.runtime.db.kysely.selectFrom('api_tokens').select(['token_hash', 'token_hint']).execute();
    assert.ok(rows.length >= 3);
    for (const token of Object.values(team.tokens)) {
      assert.match(token, /^chk_[A-Za-z0-9_-]{43}$/);
      assert.ok(rows.every((r) => r.token_hash !== token && !r.token_hash.includes(token)));
    }
  });

  it('refuses a revoked key within one second, even though the token was cached', async () => {
    const key = await server.runtime.services.apiKeys.createKey({ teamSlug: 'keys', name: 'short-lived', roleShortId: 'admin' });
    const health = () => call(server.url, 'GET', '/v1/health', { token: key.token });
    assert.equal((await health()).status, 200);
    assert.equal((await health()).status, 200); // now served from the cache
    await server.runtime.services.apiKeys.revokeKey('keys', key.id);
    const took = await within(1000, async () => (await health()).status === 401);
    assert.notEqual(took, null, 'revoked token still accepted after 1 s');
    const listed = await server.runtime.services.apiKeys.listKeys('keys');
    assert.notEqual(listed.find((k) => k.id === key.id)?.revokedAt, null);
  });

  it('a key acts as its user: the admin key acts as a hidden service user', async () => {
    const keys = await server.runtime.services.apiKeys.listKeys('keys');
    const admin = keys.find((k) => k.name === 'admin key')!;
    assert.equal(admin.isServiceAccount, true);
    const manager = keys.find((k) => k.name === 'manager key')!;
    assert.equal(manager.user, 'ravi');
    assert.equal(manager.isServiceAccount, false);
  });

  it('creating a key for an unknown role, user or team fails and creates nothing', async () => {
    const before = (await server.runtime.services.apiKeys.listKeys('keys')).length;
    const { apiKeys } = server.runtime.services;
    await assert.rejects(apiKeys.createKey({ teamSlug: 'keys', name: 'x', roleShortId: 'nope' }), /Unknown role "nope"/);
    await assert.rejects(apiKeys.createKey({ teamSlug: 'keys', name: 'x', roleShortId: 'admin', username: 'ghost' }), /Unknown user "ghost"/);
    await assert.rejects(apiKeys.createKey({ teamSlug: 'ghosts', name: 'x', roleShortId: 'admin' }), /Unknown team "ghosts"/);
    assert.equal((await server.runtime.services.apiKeys.listKeys('keys')).length, before);
  });
});

describe('per-key rate limit (API.md §1)', () => {
  let server: TestServer;
  let team: SeededTeam;
  before(async () => {
    server = await startTestServer({ env: { RATE_LIMIT_PER_KEY: '3' } });
    team = await seedTeam(server.runtime, 'limited');
  });
  after(() => server.close());

  it('answers 429 with Retry-After past the burst, per key', async () => {
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 10; i++) {
      const res = await call(server.url, 'GET', '/v1/health', { token: team.tokens.admin });
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    assert.ok(statuses.slice(0, 6).every((s) => s === 200), `the first 6 (burst of 2 × 3/s) pass: ${statuses}`);
    assert.ok(limited, `later requests are limited: ${statuses}`);
    assert.equal(limited.body._meta.code, 'RATE_LIMITED');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    // Another key of the same team has its own budget.
    assert.equal((await call(server.url, 'GET', '/v1/health', { token: team.tokens.manager })).status, 200);
  });

  it('does not count requests without a key (health probes)', async () => {
    for (let i = 0; i < 12; i++) assert.equal((await call(server.url, 'GET', '/healthz')).status, 200);
  });
});

describe('internal errors (API.md §0, 500)', () => {
  let server: TestServer;
  let team: SeededTeam;
  before(async () => {
    server = await startTestServer();
    team = await seedTeam(server.runtime, 'broken');
  });
  after(() => server.close());

  it('answers a failure it did not expect with a generic 500 and logs it with the request id', async () => {
    // A table disappearing under the server is a failure no handler expects.
    await sql`drop table attribute_groups`.execute(server.runtime.db.kysely);
    const res = await call(server.url, 'GET', '/v1/ext/config', { token: team.tokens.admin });
    assert.equal(res.status, 500);
    assert.equal(res.body._meta.code, 'INTERNAL');
    assert.deepEqual(res.body._errors, ['Internal server error']);
    assert.ok(!JSON.stringify(res.body).includes('attribute_groups'), 'no internals leak');
    const logged = server.logLines().find((line) => line.includes('request failed') && line.includes(res.body._meta.requestId));
    assert.ok(logged, 'the failure is logged with its request id');
  });
});
