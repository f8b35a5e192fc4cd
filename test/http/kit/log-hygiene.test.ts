import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { call } from '../../support/http.ts';
import { redactTokens } from '../../../src/shared/logger.ts';
import { BARE_TOKEN, startBareApp, type BareApp } from './bare-app.ts';
import { requestText, sendRaw } from './raw-http.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The secret part of a token: what must never be found in a log. */
const secretOf = (token: string) => token.slice('chk_'.length);

describe('redactTokens', () => {
  it('replaces token-shaped text, plain or percent-encoded, and leaves the rest', () => {
    assert.equal(redactTokens('/v1/ext/user/chk_abcDEF-_123'), '/v1/ext/user/chk_[redacted]');
    assert.equal(redactTokens('/a/chk_x1/b/CHK_y2'), '/a/chk_[redacted]/b/chk_[redacted]');
    assert.equal(redactTokens('/a/chk%5Fsecret%2Dmore/b'), '/a/chk_[redacted]/b');
    assert.equal(redactTokens('/v1/ext/procedure/checklist/process'), '/v1/ext/procedure/checklist/process');
  });
});

describe('HTTP kit: tokens never reach the logs, wherever a client puts them', () => {
  let server: TestServer;
  let team: SeededTeam;
  before(async () => {
    server = await startTestServer();
    team = await seedTeam(server.runtime, 'quiet');
  });
  after(() => server.close());

  const assertNotLogged = (lines: readonly string[], ...tokens: string[]) => {
    for (const token of tokens) {
      const leaked = lines.filter((line) => line.includes(secretOf(token)));
      assert.deepEqual(leaked, [], `a log line holds ${token}`);
    }
  };

  it('a token in the path or in X-Request-Id is not logged, and such a request id is replaced', async () => {
    const token = team.tokens.admin;
    const res = await call(server.url, 'GET', `/v1/ext/user/${token}`, { token: team.tokens.manager, headers: { 'x-request-id': token } });
    assert.ok(res.status >= 400 && res.status < 500);
    const id = res.headers.get('x-request-id');
    assert.match(id ?? '', UUID, 'a token-shaped request id is replaced by one the server made');
    assert.equal(res.body._meta.requestId, id);
    const encoded = await call(server.url, 'GET', `/v1/ext/user/${token.replace('_', '%5F')}/x`, { token: team.tokens.manager });
    assert.equal(encoded.status, 404);
    // Before routing too: a malformed URL, and one too long for the router.
    await call(server.url, 'GET', `/v1/ext/user/${token}%ff`, { headers: { 'x-request-id': token } });
    await call(server.url, 'GET', `/v1/ext/user/${token}${'a'.repeat(600)}`);
    await sendRaw(server.url, requestText('GET', `/v1/health?${token}`, [`X-Request-Id: ${token}`, `X-Padding: ${'p'.repeat(17_000)}`]));
    const lines = server.logLines();
    assertNotLogged(lines, token, team.tokens.manager);
    assert.ok(lines.some((line) => line.includes('"path":"/v1/ext/user/chk_[redacted]"')), 'the path is logged, redacted');
    assert.ok(lines.some((line) => line.includes(`"requestId":"${id}"`)), 'the request is logged under the id the server made');
  });

  it('plain request ids up to 64 characters are kept; others are replaced', async () => {
    const kept = ['trace-123', 'a', '0f8fad5b-d9cb-469f-a165-70867728950e', 'svc.edge:42', 'x'.repeat(64)];
    const replaced = ['x'.repeat(65), 'has space', 'under_score', 'semi;colon', 'chk_abc', 'é', ''];
    for (const given of kept) {
      const res = await call(server.url, 'GET', '/healthz', { headers: { 'x-request-id': given } });
      assert.equal(res.headers.get('x-request-id'), given);
    }
    for (const given of replaced) {
      const res = await sendRaw(server.url, requestText('GET', '/v1/ext/nowhere', [`X-Request-Id: ${given}`]));
      assert.match(res.headers['x-request-id'], UUID, JSON.stringify(given));
      assert.equal(res.body._meta.requestId, res.headers['x-request-id']);
    }
  });
});

describe('HTTP kit: the error log of an unexpected failure', () => {
  let bare: BareApp;
  before(async () => {
    bare = await startBareApp([
      async (app) => {
        // A failure whose message echoes what the client sent, as driver errors sometimes do.
        app.get('/fails/:value', async (request) => {
          throw Object.assign(new Error(`cannot use ${request.url} (${request.headers.authorization})`), { detail: `value ${(request.params as { value: string }).value}` });
        });
      },
    ]);
  });
  after(() => bare.app.close());

  it('is logged without the URL, headers or token-shaped text the client sent', async () => {
    const pathToken = 'chk_pathSecretValue0123456789abcdefghijklmnopq';
    const queryToken = 'chk_querySecretValue0123456789abcdefghijklmno';
    const res = await call(bare.url, 'GET', `/fails/${pathToken}?sig=${queryToken}`, { token: BARE_TOKEN, headers: { 'x-request-id': 'failing-1', cookie: 'session=cookie-secret' } });
    assert.equal(res.status, 500);
    assert.deepEqual(res.body._errors, ['Internal server error']);
    const failed = bare.logLines().filter((line) => line.includes('request failed'));
    assert.equal(failed.length, 1, bare.logLines().join('\n'));
    const entry = JSON.parse(failed[0]);
    assert.equal(entry.requestId, 'failing-1');
    assert.equal(entry.method, 'GET');
    assert.equal(entry.path, '/fails/chk_[redacted]');
    assert.equal(entry.req, undefined);
    assert.match(entry.err.message, /chk_\[redacted\]/);
    const all = bare.logLines().join('\n');
    for (const secret of [secretOf(pathToken), secretOf(queryToken), secretOf(BARE_TOKEN), 'cookie-secret']) {
      assert.ok(!all.includes(secret), `logged: ${secret}`);
    }
  });
});
