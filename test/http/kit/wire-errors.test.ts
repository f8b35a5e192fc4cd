import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { call } from '../../support/http.ts';
import { assertEnvelope, parseRawResponse, requestText, sendRaw } from './raw-http.ts';
import { startBareApp, type BareApp } from './bare-app.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('HTTP kit: every error is the envelope with x-request-id, also those answered before routing (API.md §0)', () => {
  let server: TestServer;
  let team: SeededTeam;
  before(async () => {
    server = await startTestServer();
    team = await seedTeam(server.runtime, 'wire');
  });
  after(() => server.close());

  const auth = () => `Authorization: Bearer ${team.tokens.admin}`;

  it('malformed percent-encoding in the path is 400 BAD_REQUEST', async () => {
    for (const bad of ['%ff', '%c0', '%c0%af', '%ed%a0%80', '%e0%80', 'abc%zz', '%']) {
      const res = await call(server.url, 'GET', `/v1/ext/user/${bad}`, { token: team.tokens.admin });
      const errors = assertEnvelope({ status: res.status, headers: res.headers, body: res.body }, 400, 'BAD_REQUEST');
      assert.match(errors[0], /percent-encoded UTF-8/, bad);
    }
    // Without a token too (nothing was routed, so nothing was authenticated).
    const anonymous = await call(server.url, 'GET', '/v1/ext/user/%ff');
    assertEnvelope({ status: anonymous.status, headers: anonymous.headers, body: anonymous.body }, 400, 'BAD_REQUEST');
  });

  it('a client request id is kept on answers written before routing', async () => {
    const res = await call(server.url, 'GET', '/v1/ext/user/%ff', { headers: { 'x-request-id': 'trace-before-routing' } });
    assert.equal(res.headers.get('x-request-id'), 'trace-before-routing');
    assert.equal(res.body._meta.requestId, 'trace-before-routing');
  });

  it('a path parameter over 500 characters is 414 URI_TOO_LONG; 500 is routed', async () => {
    const long = await call(server.url, 'GET', `/v1/ext/user/${'a'.repeat(501)}`, { token: team.tokens.admin });
    const errors = assertEnvelope({ status: long.status, headers: long.headers, body: long.body }, 414, 'URI_TOO_LONG');
    assert.match(errors[0], /longer than 500 characters/);
    const atLimit = await call(server.url, 'GET', `/v1/ext/user/${'a'.repeat(500)}`, { token: team.tokens.admin });
    assert.notEqual(atLimit.status, 414);
    assert.ok(atLimit.status >= 400 && atLimit.status < 500);
    assert.equal(atLimit.body._meta.requestId, atLimit.headers.get('x-request-id'));
  });

  it('request headers over 16 KB are 431 HEADERS_TOO_LARGE as a complete HTTP/1.1 response', async () => {
    const res = await sendRaw(server.url, requestText('GET', '/v1/health', [auth(), `X-Padding: ${'a'.repeat(17_000)}`]));
    assert.equal(res.statusLine, 'HTTP/1.1 431 Request Header Fields Too Large');
    assertEnvelope(res, 431, 'HEADERS_TOO_LARGE');
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(res.headers.connection, 'close');
    assert.equal(Number(res.headers['content-length']), Buffer.byteLength(res.text));
    assert.match(res.headers['x-request-id'], UUID);
    // A request line that long is the same limit.
    assertEnvelope(await sendRaw(server.url, requestText('GET', `/v1/ext/users?x=${'a'.repeat(17_000)}`, [auth()])), 431, 'HEADERS_TOO_LARGE');
  });

  it('requests Node cannot parse are 400 BAD_REQUEST with the envelope', async () => {
    const malformed = [
      'FOO /v1/health HTTP/1.1\r\nHost: x\r\n\r\n',
      'HELLO\r\n\r\n',
      'POST /v1/ext/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}',
      'POST /v1/ext/users HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
      'POST /v1/ext/users HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}',
      `PUT /v1/ext/user/${team.userIds.john} HTTP/1.1\r\nHost: x\r\n${auth()}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
      'GET /v1/health HTTP/1.1\r\nHost: x\r\nBad Header Name: 1\r\n\r\n',
    ];
    for (const text of malformed) {
      const res = await sendRaw(server.url, text);
      assert.equal(res.statusLine, 'HTTP/1.1 400 Bad Request', text);
      const errors = assertEnvelope(res, 400, 'BAD_REQUEST');
      assert.match(errors[0], /^Malformed HTTP request/);
      assert.equal(res.headers.connection, 'close');
    }
  });

  it('an HTTP/1.1 request without Host is 400 BAD_REQUEST with the envelope', async () => {
    const res = await sendRaw(server.url, `GET /v1/health HTTP/1.1\r\n${auth()}\r\nConnection: close\r\n\r\n`);
    const errors = assertEnvelope(res, 400, 'BAD_REQUEST');
    assert.match(errors[0], /Host header/);
    // HTTP/1.0 never required one.
    assert.equal((await sendRaw(server.url, 'GET /healthz HTTP/1.0\r\n\r\n')).status, 200);
  });

  it('an Expect header other than 100-continue is 417 EXPECTATION_FAILED', async () => {
    const res = await sendRaw(server.url, requestText('GET', '/v1/health', [auth(), 'Expect: something-else', 'X-Request-Id: expect-1']));
    assertEnvelope(res, 417, 'EXPECTATION_FAILED');
    assert.equal(res.headers['x-request-id'], 'expect-1');
  });

  it('unknown routes answer 404 NOT_FOUND with any method, including unusual ones and *', async () => {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND', 'MKCOL', 'SEARCH', 'LOCK', 'REPORT']) {
      const res = await sendRaw(server.url, requestText(method, '/v1/ext/nothing-here', [auth()]));
      const errors = assertEnvelope(res, 404, 'NOT_FOUND');
      assert.deepEqual(errors, ['Not Found'], method);
    }
    for (const method of ['OPTIONS', 'GET', 'PROPFIND']) {
      assertEnvelope(await sendRaw(server.url, requestText(method, '*')), 404, 'NOT_FOUND');
    }
    // A known path with a method it does not take is an unknown route too.
    assertEnvelope(await sendRaw(server.url, requestText('PROPFIND', '/v1/health', [auth()])), 404, 'NOT_FOUND');
    assertEnvelope(await sendRaw(server.url, requestText('OPTIONS', '/v1/ext/users', [auth()])), 404, 'NOT_FOUND');
  });

  it('a duplicated Content-Type keeps the first one (here: 415 UNSUPPORTED_MEDIA_TYPE)', async () => {
    const body = '{"firstName":"Jo"}';
    const res = await sendRaw(server.url, requestText('PUT', `/v1/ext/user/${team.userIds.john}`, [auth(), 'Content-Type: text/plain', 'Content-Type: application/json'], body));
    assertEnvelope(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('a body shorter than its Content-Length is not a server failure when the client hangs up', async () => {
    const { hostname, port } = new URL(server.url);
    const socket = net.connect(Number(port), hostname);
    socket.on('error', () => {});
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(`PUT /v1/ext/user/${team.userIds.john} HTTP/1.1\r\nHost: x\r\n${auth()}\r\nContent-Type: application/json\r\nContent-Length: 100\r\nX-Request-Id: hangs-up\r\n\r\n{"firstName"`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const lines = server.logLines().filter((line) => line.includes('"hangs-up"'));
    assert.ok(!lines.some((line) => line.includes('request failed') || line.includes('"level":50')), lines.join('\n'));
  });
});

describe('HTTP kit: answers written below Fastify (closing, timeouts)', () => {
  let bare: BareApp;
  let release: () => void = () => {};
  let entered: () => void = () => {};
  const slowEntered = new Promise<void>((resolve) => {
    entered = resolve;
  });
  before(async () => {
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    bare = await startBareApp([
      async (app) => {
        app.get('/slow', { config: { public: true } }, async () => {
          entered();
          await gate;
          return { ok: true };
        });
      },
    ]);
  });
  after(async () => {
    release();
    bare.app.server.closeAllConnections();
    await bare.app.close().catch(() => {});
  });

  it('a request that was not received in time is 408 REQUEST_TIMEOUT', async () => {
    // Node's request timeout surfaces as a 'clientError'; raising one stands in for waiting minutes.
    const serverSide = new Promise<net.Socket>((resolve) => bare.app.server.once('connection', resolve));
    const { port } = new URL(bare.url);
    const client = net.connect(Number(port), '127.0.0.1');
    client.on('error', () => {});
    const chunks: Buffer[] = [];
    client.on('data', (chunk: Buffer) => chunks.push(chunk));
    const closed = new Promise((resolve) => client.on('close', resolve));
    const socket = await serverSide;
    client.write('GET /slow HTTP/1.1\r\nHost: x\r\n');
    bare.app.server.emit('clientError', Object.assign(new Error('Request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), socket);
    await closed;
    const res = parseRawResponse(Buffer.concat(chunks).toString('latin1'));
    assert.equal(res.statusLine, 'HTTP/1.1 408 Request Timeout');
    assertEnvelope(res, 408, 'REQUEST_TIMEOUT');
    assert.equal(res.headers.connection, 'close');
  });

  it('a request arriving while the server closes is 503 SERVICE_UNAVAILABLE with the envelope', async () => {
    const { port } = new URL(bare.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    socket.on('error', () => {});
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    const closed = new Promise((resolve) => socket.on('close', resolve));
    // A request in flight keeps the connection open while the server starts closing.
    socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
    await slowEntered;
    const closing = bare.app.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.write('GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Request-Id: while-closing\r\n\r\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    await closed;
    await closing;
    const received = Buffer.concat(chunks).toString('latin1');
    const second = received.indexOf('HTTP/1.1 503');
    assert.ok(second > 0, received);
    assert.equal(parseRawResponse(received).status, 200, 'the request in flight is answered');
    const res = parseRawResponse(received.slice(second));
    assertEnvelope(res, 503, 'SERVICE_UNAVAILABLE');
    assert.equal(res.headers['x-request-id'], 'while-closing');
    assert.equal(res.headers.connection, 'close');
    assert.ok(!bare.logLines().some((line) => line.includes('request failed')), 'a refusal while closing is not a failure');
  });
});
