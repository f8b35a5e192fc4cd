import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { call, client } from '../../support/http.ts';

describe('HTTP kit: envelope, errors, request ids (API.md §0)', () => {
  let server: TestServer;
  let team: SeededTeam;
  before(async () => {
    server = await startTestServer({ env: { JSON_BODY_LIMIT: '2048' } });
    team = await seedTeam(server.runtime, 'acme');
  });
  after(() => server.close());

  const assertError = (res: { status: number; body: any }, status: number, code: string) => {
    assert.equal(res.status, status);
    assert.deepEqual(res.body._data, []);
    assert.equal(res.body._meta.code, code);
    assert.equal(typeof res.body._meta.requestId, 'string');
    assert.ok(Array.isArray(res.body._errors) && res.body._errors.length > 0);
    for (const message of res.body._errors) assert.equal(typeof message, 'string');
  };

  it('answers an unknown route with a JSON 404 envelope, with or without a token', async () => {
    assertError(await call(server.url, 'GET', '/v1/ext/nothing-here'), 404, 'NOT_FOUND');
    const res = await call(server.url, 'GET', '/v1/ext/nothing-here', { token: team.tokens.admin });
    assertError(res, 404, 'NOT_FOUND');
    assert.deepEqual(res.body._errors, ['Not Found']);
  });

  it('refuses malformed JSON with 400 BAD_REQUEST', async () => {
    const userId = team.userIds.john;
    const res = await call(server.url, 'PUT', `/v1/ext/user/${userId}`, { token: team.tokens.admin, body: '{"firstName": ', contentType: 'application/json' });
    assertError(res, 400, 'BAD_REQUEST');
  });

  it('refuses a body of the wrong shape with 400 VALIDATION_FAILED naming each field', async () => {
    const res = await client(server.url, team.tokens.admin).put(`/v1/ext/user/${team.userIds.john}`, { firstName: 5, colour: 'red' });
    assertError(res, 400, 'VALIDATION_FAILED');
    assert.ok(res.body._errors.includes('colour: unknown field'), res.body._errors.join());
    assert.ok(res.body._errors.some((m: string) => m.startsWith('firstName: expected string, got 5')), res.body._errors.join());
  });

  it('refuses a body over the limit with 413', async () => {
    const res = await client(server.url, team.tokens.admin).put(`/v1/ext/user/${team.userIds.john}`, { bio: 'x'.repeat(4000) });
    assertError(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('refuses a content type the route does not take with 415', async () => {
    const res = await call(server.url, 'PUT', `/v1/ext/user/${team.userIds.john}`, { token: team.tokens.admin, body: 'firstName=Jo', contentType: 'text/plain' });
    assertError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    const form = await call(server.url, 'PUT', `/v1/ext/user/${team.userIds.john}`, { token: team.tokens.admin, body: 'firstName=Jo', contentType: 'application/x-www-form-urlencoded' });
    assertError(form, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 401 for a missing, malformed or unknown token', async () => {
    assertError(await call(server.url, 'GET', '/v1/ext/users'), 401, 'UNAUTHORIZED');
    assertError(await call(server.url, 'GET', '/v1/ext/users', { headers: { authorization: 'Basic abc' } }), 401, 'UNAUTHORIZED');
    assertError(await call(server.url, 'GET', '/v1/ext/users', { token: 'chk_not-a-real-token' }), 401, 'UNAUTHORIZED');
  });

  it('echoes a given x-request-id and makes one up otherwise', async () => {
    const given = await call(server.url, 'GET', '/v1/health', { token: team.tokens.admin, headers: { 'x-request-id': 'trace-123' } });
    assert.equal(given.headers.get('x-request-id'), 'trace-123');
    const made = await call(server.url, 'GET', '/v1/ext/nope');
    const id = made.headers.get('x-request-id');
    assert.match(id ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(made.body._meta.requestId, id);
  });

  it('never writes a token into the logs', async () => {
    await call(server.url, 'GET', '/v1/ext/users', { token: team.tokens.manager });
    await call(server.url, 'GET', '/v1/ext/users', { token: 'chk_wrong' });
    const log = server.logLines().join('\n');
    assert.ok(log.includes('"path":"/v1/ext/users"'), 'requests are logged');
    assert.ok(!log.includes(team.tokens.manager) && !log.includes('chk_wrong'));
  });
});

describe('health endpoints (API.md §1)', () => {
  let server: TestServer;
  let team: SeededTeam;
  before(async () => {
    server = await startTestServer();
    team = await seedTeam(server.runtime, 'healthy');
  });
  after(() => server.close());

  it('GET /v1/health checks the token and names its team', async () => {
    const ok = await call(server.url, 'GET', '/v1/health', { token: team.tokens.user });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body._data, { status: 'ok', team: team.teamId });
    assert.equal((await call(server.url, 'GET', '/v1/health')).status, 401);
  });

  it('/healthz and /readyz answer without auth', async () => {
    const live = await call(server.url, 'GET', '/healthz');
    assert.equal(live.status, 200);
    assert.deepEqual(live.body, { status: 'ok' });
    const ready = await call(server.url, 'GET', '/readyz');
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body, { status: 'ok' });
  });

  it('publishes an OpenAPI 3.1 document and a reference page without auth', async () => {
    const doc = await call(server.url, 'GET', '/openapi.json');
    assert.equal(doc.status, 200);
    assert.equal(doc.body.openapi, '3.1.0');
    for (const path of ['/v1/ext/config', '/v1/ext/users', '/v2/ext/users', '/v1/ext/user/{userId}', '/v2/ext/user/{userId}', '/v1/health']) {
      assert.ok(doc.body.paths[path], `missing ${path}`);
    }
    assert.ok(doc.body.paths['/v1/ext/user/{userId}'].put && doc.body.paths['/v1/ext/user/{userId}'].patch);
    const page = await call(server.url, 'GET', '/docs/');
    assert.equal(page.status, 200);
    assert.match(String(page.body), /<html/i);
  });
});
