import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { TEST_DIALECT } from '../support/env.ts';
import { createCliEnv, killAllCli, runCliInProcess, startServe, type CliEnv } from '../support/cli.ts';
import { call } from '../support/http.ts';

const CREATED_DEMO = /Created the demo team "demo"/;

function countRows(file: string, table: string): number {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return Number((db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n);
  } finally {
    db.close();
  }
}

// The embedded mode is SQLite whatever the run; the PostgreSQL run checks the other side.
describe('first start in embedded mode (OPERATIONS.md "Two commands")', { skip: TEST_DIALECT === 'postgres' && 'embedded mode only: covered by the SQLite run' }, () => {
  let cli: CliEnv;
  before(async () => {
    cli = await createCliEnv({ dialect: 'sqlite' });
  });
  after(async () => {
    killAllCli();
    await cli?.drop();
  });

  it('creates the demo team and an admin key, writes its token 0600 and prints a working curl example', async () => {
    const server = await startServe(cli.env);
    const tokenFile = path.join(cli.dataDir, 'demo-token');
    assert.equal(fs.statSync(tokenFile).mode & 0o777, 0o600);
    const token = fs.readFileSync(tokenFile, 'utf8').trim();
    assert.match(token, /^chk_[A-Za-z0-9_-]{20,}$/);

    await server.waitForLog((l) => typeof l.msg === 'string' && l.msg.includes('waiting for work'));
    const curl = server.stderr().split('\n').find((line) => line.trim().startsWith('curl '));
    assert.ok(curl, `no curl example on stderr:\n${server.stderr()}`);
    assert.ok(curl.includes(`${server.url}/v1/ext/users`), `the example does not use the real address ${server.url}: ${curl}`);
    assert.ok(curl.includes(tokenFile), `the example does not read ${tokenFile}: ${curl}`);
    assert.match(server.stderr(), CREATED_DEMO);
    assert.equal(server.stdout(), '');

    const users = await call(server.url, 'GET', '/v1/ext/users', { token });
    assert.equal(users.status, 200);
    assert.deepEqual(users.body._data.map((u: { username: string }) => u.username).sort(), ['john', 'priya', 'ravi']);

    // The WhatsApp example, run as printed: a template send through the in-process sandbox.
    const lines = server.stderr().split('\n');
    const at = lines.findIndex((line) => line.includes('send-template-message') || line.includes('"templateName": "hello_world"'));
    const data = /-d '([^']+)'/.exec(lines.slice(at - 1, at + 2).join(' '))?.[1];
    const url = lines.find((line) => line.includes('/send-template-message'))?.trim();
    assert.ok(data && url, `no WhatsApp example on stderr:\n${server.stderr()}`);
    const sent = await call(server.url, 'POST', url.replace(server.url, ''), { token, body: data, contentType: 'application/json' });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    assert.match(sent.body._data.externalId, /^wamid\./);
    assert.equal(sent.body._data.deliveryStatus, 'PENDING');
    assert.deepEqual(await server.stop(), { code: 0, signal: null });
  });

  it('a second start on the same data directory creates no other team or key', async () => {
    const tokenFile = path.join(cli.dataDir, 'demo-token');
    const token = fs.readFileSync(tokenFile, 'utf8');
    const server = await startServe(cli.env);
    assert.equal((await call(server.url, 'GET', '/v1/health', { token: token.trim() })).status, 200);
    assert.deepEqual(await server.stop(), { code: 0, signal: null });
    assert.doesNotMatch(server.stderr(), CREATED_DEMO);
    assert.equal(fs.readFileSync(tokenFile, 'utf8'), token, 'the token file was rewritten');

    const keys = await runCliInProcess(['key', 'list', '--team', 'demo', '--json'], cli.env);
    assert.equal(keys.code, 0, keys.stderr);
    assert.deepEqual(JSON.parse(keys.stdout).map((k: { name: string }) => k.name), ['demo admin']);
    assert.equal(countRows(path.join(cli.dataDir, 'chakra.db'), 'teams'), 1);
  });

  // Each in a data directory of its own: they start from states the tests above never pass through.
  async function inFreshDataDir(work: (env: CliEnv) => Promise<void>): Promise<void> {
    const own = await createCliEnv({ dialect: 'sqlite' });
    try {
      await work(own);
    } finally {
      await own.drop();
    }
  }
  const applyDemo = async (env: CliEnv) => {
    const applied = await runCliInProcess(['config', 'apply', '--team', 'demo', path.resolve('examples/demo.yaml')], env.env);
    assert.equal(applied.code, 0, applied.stderr);
  };

  it('a first start that stopped after applying the demo file, before the key, is completed by the next', () => inFreshDataDir(async (own) => {
    await applyDemo(own); // what a first start leaves when it dies between the two steps
    const tokenFile = path.join(own.dataDir, 'demo-token');
    assert.ok(!fs.existsSync(tokenFile));

    const server = await startServe(own.env);
    assert.match(server.stderr(), CREATED_DEMO);
    const token = fs.readFileSync(tokenFile, 'utf8').trim();
    assert.equal((await call(server.url, 'GET', '/v1/ext/users', { token })).status, 200);
    assert.deepEqual(await server.stop(), { code: 0, signal: null });
    assert.deepEqual(fs.readdirSync(own.dataDir).filter((f) => f.startsWith('demo-token')), ['demo-token'], 'no temporary file is left');
    assert.equal(countRows(path.join(own.dataDir, 'chakra.db'), 'teams'), 1, 're-applying the file made no second team');
  }));

  it('a demo team that already has a key of its own is left alone', () => inFreshDataDir(async (own) => {
    await applyDemo(own);
    const key = await runCliInProcess(['key', 'create', '--team', 'demo', '--name', 'mine', '--role', 'admin'], own.env);
    assert.equal(key.code, 0, key.stderr);
    const server = await startServe(own.env);
    assert.deepEqual(await server.stop(), { code: 0, signal: null });
    assert.doesNotMatch(server.stderr(), CREATED_DEMO);
    assert.ok(!fs.existsSync(path.join(own.dataDir, 'demo-token')));
  }));
});

describe('first start with DATABASE_URL (OPERATIONS.md)', { skip: TEST_DIALECT !== 'postgres' && 'needs PostgreSQL: covered by the PostgreSQL run' }, () => {
  let cli: CliEnv;
  before(async () => {
    cli = await createCliEnv({ dialect: 'postgres' });
  });
  after(async () => {
    killAllCli();
    await cli?.drop();
  });

  it('creates nothing: no demo team, no key, no token file', async () => {
    const server = await startServe(cli.env);
    assert.deepEqual(await server.stop(), { code: 0, signal: null });
    assert.doesNotMatch(server.stderr(), CREATED_DEMO);
    assert.doesNotMatch(server.stderr(), /curl /);
    assert.ok(!fs.existsSync(path.join(cli.dataDir, 'demo-token')));
    const keys = await runCliInProcess(['key', 'list', '--team', 'demo'], cli.env);
    assert.equal(keys.code, 1);
    assert.match(keys.stderr, /Unknown team "demo"/);
  });
});
