import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createCliEnv, killAllCli, linesOf, runCli, runCliInProcess, startServe, type CliEnv } from '../support/cli.ts';
import { demoConfigFor } from '../support/factories.ts';
import { call } from '../support/http.ts';

async function createKey(cli: CliEnv, name: string): Promise<{ id: string; token: string }> {
  const r = await runCliInProcess(['key', 'create', '--team', 'demo', '--name', name, '--role', 'admin', '--json'], cli.env);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

interface SlowRequest {
  /** Sends the rest of the body. */
  finish(): void;
  readonly response: Promise<{ status: number; body: any }>;
}

/**
 * A POST whose headers and first half of the body are sent now and the rest on `finish()`:
 * until then the server holds a request it has started but cannot answer yet.
 */
function startSlowPost(url: string, token: string, json: unknown): SlowRequest {
  const body = Buffer.from(JSON.stringify(json));
  const half = Math.floor(body.length / 2);
  const request = http.request(url, {
    method: 'POST',
    agent: false,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': String(body.length) },
  });
  const response = new Promise<{ status: number; body: any }>((resolve, reject) => {
    request.on('error', reject);
    request.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
  });
  request.write(body.subarray(0, half));
  return { response, finish: () => request.end(body.subarray(half)) };
}

describe('chakra serve (OPERATIONS.md)', () => {
  let cli: CliEnv;
  let admin: { id: string; token: string };

  before(async () => {
    cli = await createCliEnv();
    const file = path.join(cli.dataDir, 'team.yaml');
    fs.writeFileSync(file, demoConfigFor('demo'));
    const applied = await runCliInProcess(['config', 'apply', '--team', 'demo', file], cli.env);
    assert.equal(applied.code, 0, applied.stderr);
    admin = await createKey(cli, 'admin');
  });
  after(async () => {
    killAllCli();
    await cli?.drop();
  });

  it('serves CLI-made tokens, and refuses one within a second of `key revoke` in another process', async () => {
    const server = await startServe(cli.env);
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    await server.waitForLog((l) => typeof l.msg === 'string' && l.msg.includes('waiting for work'));
    assert.equal((await call(server.url, 'GET', '/v1/health', { token: admin.token })).status, 200);

    // Made while the server runs: no restart is needed to use it.
    const doomed = await createKey(cli, 'doomed');
    const health = () => call(server.url, 'GET', '/v1/health', { token: doomed.token });
    assert.equal((await health()).status, 200);
    assert.equal((await health()).status, 200); // the second answer comes from the credential cache

    // Revoked by a CLI process of its own, as an operator would: the server learns it only
    // through the database.
    const revoked = await runCli(['key', 'revoke', '--team', 'demo', doomed.id], cli.env);
    assert.equal(revoked.code, 0, revoked.stderr);
    const revokedAt = Date.now();
    let flippedAfter: number | null = null;
    while (Date.now() - revokedAt <= 1500) {
      if ((await health()).status === 401) {
        flippedAfter = Date.now() - revokedAt;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.notEqual(flippedAfter, null, 'the revoked token was still accepted 1.5 s after `key revoke` finished');
    assert.ok(flippedAfter! <= 1000, `the revoked token was refused only after ${flippedAfter} ms`);
    assert.equal((await call(server.url, 'GET', '/v1/health', { token: admin.token })).status, 200, 'other keys still work');

    const stopped = await server.stop('SIGTERM');
    assert.deepEqual(stopped, { code: 0, signal: null });
  });

  it('a port already in use stops a second server with exit 1 and one line', async () => {
    const server = await startServe(cli.env, ['--no-worker']);
    // Spawned: a second real process, whose failed start must end it with exit 1.
    const busy = await runCli(['serve'], { ...cli.env, HOST: '127.0.0.1', PORT: new URL(server.url).port });
    assert.equal(busy.code, 1, busy.stderr);
    assert.equal(busy.stdout, '');
    assert.equal(linesOf(busy.stderr).length, 1, busy.stderr);
    assert.match(busy.stderr, new RegExp(`in use.*${new URL(server.url).host}`));
    assert.equal((await call(server.url, 'GET', '/healthz')).status, 200, 'the first server was disturbed');
    assert.deepEqual(await server.stop(), { code: 0, signal: null });
  });

  it('SIGTERM: a request in flight still gets its answer, new connections are refused, and the exit code is 0', async () => {
    const server = await startServe(cli.env, ['--no-worker']);
    const users = await call(server.url, 'GET', '/v1/ext/users', { token: admin.token });
    const john = users.body._data.find((u: { username: string }) => u.username === 'john');

    const slow = startSlowPost(`${server.url}/v1/ext/user/${john.id}`, admin.token, { bio: 'written while shutting down' });
    // Let the server read the headers; the body is still incomplete, so it cannot answer yet.
    await new Promise((resolve) => setTimeout(resolve, 300));
    server.child.kill('SIGTERM');
    await server.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('shutting down'));

    const late = await call(server.url, 'GET', '/healthz').then((r) => r.status, (error: Error) => error.message);
    assert.notEqual(late, 200, 'a new request was served after SIGTERM');

    slow.finish();
    const answered = await slow.response;
    assert.equal(answered.status, 200, JSON.stringify(answered.body));
    assert.equal(answered.body._data.bio, 'written while shutting down');

    assert.deepEqual(await server.exited, { code: 0, signal: null });
    assert.ok(!server.logs().some((l) => typeof l.msg === 'string' && l.msg.includes('worker started')), '--no-worker started workers');
    assert.ok(server.logs().some((l) => l.msg === 'stopped'));
  });

  it('a second SIGTERM during the drain exits at once with 143', async () => {
    const server = await startServe(cli.env, ['--no-worker']);
    const users = await call(server.url, 'GET', '/v1/ext/users', { token: admin.token });
    const john = users.body._data.find((u: { username: string }) => u.username === 'john');
    const slow = startSlowPost(`${server.url}/v1/ext/user/${john.id}`, admin.token, { bio: 'never finished' });
    const outcome = slow.response.then((r) => r.status, (error: Error) => error.message);
    await new Promise((resolve) => setTimeout(resolve, 300));
    server.child.kill('SIGTERM');
    await server.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('shutting down'));
    server.child.kill('SIGTERM');
    assert.deepEqual(await server.exited, { code: 143, signal: null });
    assert.notEqual(await outcome, 200, 'the unfinished request was answered');
  });
});
