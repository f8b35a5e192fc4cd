import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MIGRATIONS } from '../../src/db/migrations/index.ts';
import { createCliEnv, killAllCli, linesOf, runCliInProcess, spawnCli, type CliEnv } from '../support/cli.ts';

describe('chakra migrate and chakra worker (OPERATIONS.md)', () => {
  // Each test needs a database of its own: migrate must see it empty, the worker must not care.
  const envs: CliEnv[] = [];
  const freshEnv = async () => {
    const cli = await createCliEnv();
    envs.push(cli);
    return cli;
  };
  after(async () => {
    killAllCli();
    await Promise.all(envs.map((cli) => cli.drop()));
  });

  it('migrate applies every migration and says which, then says the schema is up to date', async () => {
    const cli = await freshEnv();
    const first = await runCliInProcess(['migrate'], cli.env);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, '');
    assert.equal(linesOf(first.stderr).length, 1, first.stderr);
    const applied = /^Applied migrations: (.+)$/m.exec(first.stderr);
    assert.ok(applied, first.stderr);
    assert.deepEqual(applied[1].split(', '), MIGRATIONS.map(([name]) => name));

    const second = await runCliInProcess(['migrate'], cli.env);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, '');
    assert.match(second.stderr, /up to date/);
    assert.doesNotMatch(second.stderr, /Applied/);
  });

  // Spawned: the worker runs until a signal stops it.
  it('worker starts, says it is waiting for work, keeps waiting, and exits 0 on SIGTERM', async () => {
    const cli = await freshEnv();
    const worker = spawnCli(['worker'], { ...cli.env, WORKER_CONCURRENCY: '3' });
    const started = await worker.waitForLog((l) => typeof l.msg === 'string' && l.msg.includes('waiting for work'), 20_000);
    assert.deepEqual(started.queues, { bulk: 3, inbound: 4, webhooks: 16 });
    // With no work and nothing else holding the process, it must still wait for its signal.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(worker.child.exitCode, null, `the worker exited on its own:\n${worker.stderr()}`);
    assert.deepEqual(await worker.stop('SIGTERM'), { code: 0, signal: null });
    assert.equal(worker.stdout(), '');
    assert.ok(worker.logs().some((l) => l.msg === 'worker stopped'), worker.stderr());
    assert.ok(!worker.logs().some((l) => l.msg === 'listening'), 'worker opened an HTTP port');
  });
});
