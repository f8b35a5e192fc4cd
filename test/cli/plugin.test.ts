import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createCliEnv, runCliInProcess, type CliEnv } from '../support/cli.ts';
import { demoConfigFor } from '../support/factories.ts';
import { PLUGIN_SECRETS, pluginsSection } from '../support/plugins.ts';

describe('chakra plugin list / show, and config apply|export with plugins (OPERATIONS.md)', () => {
  let cli: CliEnv;
  let env: Record<string, string>;
  const run = (...args: string[]) => runCliInProcess(args, env);
  const noSecrets = (text: string) => {
    for (const secret of Object.values(PLUGIN_SECRETS)) assert.ok(!text.includes(secret), `a secret was printed: ${secret}`);
  };

  before(async () => {
    cli = await createCliEnv();
    env = { ...cli.env, ...PLUGIN_SECRETS };
    const file = path.join(cli.dataDir, 'team.yaml');
    fs.writeFileSync(file, `${demoConfigFor('demo')}\n${pluginsSection([{ wabaId: '102290129340398', phones: ['106540352242922'], name: 'Main number' }])}`);
    const applied = await run('config', 'apply', '--team', 'demo', file);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout + applied.stderr, /plugin 102290129340398/);
    noSecrets(applied.stdout + applied.stderr);
  });
  after(async () => {
    await cli?.drop();
  });

  it('list prints a table, and --json an array of objects with id, never a secret', async () => {
    const table = await run('plugin', 'list', '--team', 'demo');
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^ID\s+NAME\s+WABA\s+PHONE NUMBERS\s+GRAPH API\n[0-9a-f-]{36}\s+Main number\s+102290129340398\s+106540352242922 \(\+15550000000\)\s+sandbox:\n$/);
    const json = await run('plugin', 'list', '--team', 'demo', '--json');
    const [plugin] = JSON.parse(json.stdout);
    assert.match(plugin.id, /^[0-9a-f-]{36}$/);
    assert.equal(plugin.wabaId, '102290129340398');
    assert.deepEqual(plugin.secretsSet, { accessToken: true, appSecret: true, verifyToken: true, webhookSecret: true });
    noSecrets(table.stdout + table.stderr + json.stdout + json.stderr);
  });

  it('show prints one plugin with its webhook settings; an unknown id or team fails with a message', async () => {
    const [plugin] = JSON.parse((await run('plugin', 'list', '--team', 'demo', '--json')).stdout);
    const shown = await run('plugin', 'show', '--team', 'demo', plugin.id);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /wabaId:\s+102290129340398/);
    assert.match(shown.stdout, /secrets:\s+accessToken set, appSecret set, verifyToken set, webhookSecret set/);
    assert.match(shown.stdout, /leadProcedure:\s+lead/);
    assert.deepEqual(JSON.parse((await run('plugin', 'show', '--team', 'demo', plugin.id, '--json')).stdout), plugin);
    noSecrets(shown.stdout + shown.stderr);
    const unknown = await run('plugin', 'show', '--team', 'demo', '01a23bb5-0000-7000-8000-000000000000');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /WhatsApp plugin not found/);
    const team = await run('plugin', 'list', '--team', 'nosuch');
    assert.equal(team.code, 1);
    assert.match(team.stderr, /Unknown team "nosuch"/);
  });

  it('usage errors exit 2', async () => {
    assert.equal((await run('plugin')).code, 2);
    assert.equal((await run('plugin', 'delete', '--team', 'demo')).code, 2);
    assert.equal((await run('plugin', 'show', '--team', 'demo')).code, 2);
    assert.equal((await run('plugin', 'list')).code, 2);
  });

  it('config export writes ${VAR} references, never the secrets', async () => {
    const exported = await run('config', 'export', '--team', 'demo');
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stdout, /accessToken: \$\{WHATSAPP_ACCESS_TOKEN\}/);
    noSecrets(exported.stdout + exported.stderr);
  });

  it('config apply refuses a plugin whose secret variable is not set, naming the variable', async () => {
    const file = path.join(cli.dataDir, 'team.yaml');
    const r = await runCliInProcess(['config', 'apply', '--team', 'demo', file], cli.env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /plugins\[0\]\.accessToken: environment variable WHATSAPP_ACCESS_TOKEN is not set/);
  });
});
