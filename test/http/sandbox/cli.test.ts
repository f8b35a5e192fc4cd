import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { baseEnv, killAllCli, runCliInProcess, spawnCli } from '../../support/cli.ts';
import { until } from './sandbox-fixture.ts';

describe('chakra sandbox [--port N]', () => {
  after(() => killAllCli());

  it('runs the sandbox on the given port, prints its URL on stdout and stops on SIGTERM', async () => {
    const cli = spawnCli(['sandbox', '--port', '0'], baseEnv({ HOST: '127.0.0.1' }));
    await until(() => cli.stdout().includes('\n') && /sandbox listening/.test(cli.stderr()), 20_000, () => `no URL printed; stderr: ${cli.stderr()}`);
    const url = cli.stdout().trim();
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(cli.stderr(), /sandbox listening/);
    const accounts = await fetch(`${url}/_sandbox/accounts`).then((r) => r.json());
    assert.deepEqual(accounts, { data: [] });
    const graph = await fetch(`${url}/v21.0/106540352242922/messages`, { method: 'POST' });
    assert.equal(graph.status, 401);
    const { code } = await cli.stop('SIGTERM');
    assert.equal(code, 0);
    assert.equal(cli.stdout().trim(), url, 'stdout holds only the URL');
  });

  it('a bad port is a usage error (exit 2)', async () => {
    for (const port of ['abc', '70000', '-1']) {
      const r = await runCliInProcess(['sandbox', '--port', port], baseEnv());
      assert.equal(r.code, 2, `${port}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /Usage: chakra sandbox/);
    }
  });
});
