import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createCliEnv, killAllCli, linesOf, runCliInProcess, spawnCli, type CliEnv } from '../support/cli.ts';
import { demoConfigFor } from '../support/factories.ts';

const TOKEN = /^chk_[A-Za-z0-9_-]{20,}$/;

describe('chakra key create / list / revoke (OPERATIONS.md)', () => {
  let cli: CliEnv;
  const key = (...args: string[]) => runCliInProcess(['key', ...args], cli.env);

  before(async () => {
    cli = await createCliEnv();
    const file = path.join(cli.dataDir, 'team.yaml');
    fs.writeFileSync(file, demoConfigFor('demo'));
    const applied = await runCliInProcess(['config', 'apply', '--team', 'demo', file], cli.env);
    assert.equal(applied.code, 0, applied.stderr);
  });
  after(async () => {
    killAllCli();
    await cli?.drop();
  });

  it('create prints only the token on stdout (one line) and the details on stderr', async () => {
    const r = await key('create', '--team', 'demo', '--name', 'ci', '--role', 'admin');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.endsWith('\n'));
    const lines = r.stdout.split('\n').slice(0, -1);
    assert.equal(lines.length, 1, `stdout: ${r.stdout}`);
    assert.match(lines[0], TOKEN);
    assert.match(r.stderr, /Created key [0-9a-f-]{36} \(ci, role admin, acting as svc_\w+\)/);
    assert.ok(!r.stderr.includes(lines[0]), 'the token leaked to stderr');
  });

  it('create --json prints one JSON object with id and token', async () => {
    const r = await key('create', '--team', 'demo', '--name', 'json key', '--role', 'admin', '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(linesOf(r.stdout).length, 1);
    const created = JSON.parse(r.stdout);
    assert.match(created.id, /^[0-9a-f-]{36}$/);
    assert.match(created.token, TOKEN);
    assert.equal(created.name, 'json key');
    assert.equal(created.role, 'admin');
    assert.equal(created.isServiceAccount, true);
    assert.ok(r.stderr.includes(created.id), 'stderr names the new key');
  });

  it('create --user makes a key that acts as that user; an unknown user or role is refused', async () => {
    const r = await key('create', '--team', 'demo', '--name', 'ravi key', '--role', 'sales_manager', '--user', 'ravi', '--json');
    assert.equal(r.code, 0, r.stderr);
    const created = JSON.parse(r.stdout);
    assert.equal(created.user, 'ravi');
    assert.equal(created.isServiceAccount, false);
    assert.match(r.stderr, /acting as ravi\b/);

    const listed = JSON.parse((await key('list', '--team', 'demo', '--json')).stdout);
    assert.equal(listed.find((k: { id: string }) => k.id === created.id)?.user, 'ravi');

    const [noUser, noRole] = await Promise.all([
      key('create', '--team', 'demo', '--name', 'x', '--role', 'admin', '--user', 'nobody'),
      key('create', '--team', 'demo', '--name', 'x', '--role', 'wizard'),
    ]);
    for (const failed of [noUser, noRole]) {
      assert.equal(failed.code, 1, failed.stderr);
      assert.equal(failed.stdout, '');
    }
    assert.match(noUser.stderr, /nobody/);
    assert.match(noRole.stderr, /wizard/);
  });

  it('list shows every key of the team without its token', async () => {
    const created = JSON.parse((await key('create', '--team', 'demo', '--name', 'listed', '--role', 'admin', '--json')).stdout);
    const [table, json] = await Promise.all([key('list', '--team', 'demo'), key('list', '--team', 'demo', '--json')]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^ID\s+NAME\s+ROLE\s+USER\s+CREATED\s+STATUS$/m);
    const row = linesOf(table.stdout).find((line) => line.startsWith(created.id));
    assert.ok(row, `key ${created.id} not listed:\n${table.stdout}`);
    assert.match(row, /\blisted\s+admin\s+svc_\w+\s+\S+\s+active$/);

    const keys = JSON.parse(json.stdout);
    assert.ok(keys.some((k: { id: string }) => k.id === created.id));
    for (const output of [table.stdout, table.stderr, json.stdout, json.stderr]) {
      assert.ok(!output.includes(created.token), 'key list printed a token');
      assert.doesNotMatch(output, /chk_/);
    }
    assert.ok(keys.every((k: Record<string, unknown>) => !('token' in k)));
  });

  it('revoke exits 0 and marks the key revoked; a bad key id exits 1', async () => {
    const created = JSON.parse((await key('create', '--team', 'demo', '--name', 'doomed', '--role', 'admin', '--json')).stdout);
    const r = await key('revoke', '--team', 'demo', created.id);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`Revoked key ${created.id}`));

    const listed = JSON.parse((await key('list', '--team', 'demo', '--json')).stdout);
    assert.notEqual(listed.find((k: { id: string }) => k.id === created.id)?.revokedAt, null);

    const [malformed, unknown] = await Promise.all([
      key('revoke', '--team', 'demo', 'not-a-key'),
      key('revoke', '--team', 'demo', '00000000-0000-7000-8000-000000000000'),
    ]);
    for (const bad of [malformed, unknown]) {
      assert.equal(bad.code, 1, bad.stderr);
      assert.equal(bad.stdout, '');
      assert.match(bad.stderr, /Unknown API key/);
    }
  });

  // A real process with a real pipe: the guard against EPIPE is on the process's stdout.
  it('list into a reader that stops early (`| head -1`) ends quietly', async () => {
    const piped = spawnCli(['key', 'list', '--team', 'demo'], cli.env);
    piped.child.stdout!.destroy(); // the reader is gone before the list is written
    assert.deepEqual(await piped.exited, { code: 0, signal: null });
    assert.equal(piped.stderr(), '');
  });
});
