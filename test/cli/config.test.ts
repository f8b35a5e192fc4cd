import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { createCliEnv, killAllCli, linesOf, runCliInProcess, type CliEnv } from '../support/cli.ts';
import { demoConfigFor } from '../support/factories.ts';

const NO_CHANGES = /: 0 created, 0 updated, 0 deleted, \d+ unchanged/;

describe('chakra config apply / export (OPERATIONS.md, CONFIG.md)', () => {
  let cli: CliEnv;
  let fileCount = 0;
  /** Writes a config file into the test's directory and returns its path. */
  const writeFile = (text: string): string => {
    const file = path.join(cli.dataDir, `config-${++fileCount}.yaml`);
    fs.writeFileSync(file, text);
    return file;
  };
  const apply = (slug: string, file: string, ...flags: string[]) => runCliInProcess(['config', 'apply', '--team', slug, ...flags, file], cli.env);
  const exportTeam = (slug: string) => runCliInProcess(['config', 'export', '--team', slug], cli.env);

  before(async () => {
    cli = await createCliEnv();
  });
  after(async () => {
    killAllCli();
    await cli?.drop();
  });

  it('applies a YAML file: exit 0, the summary on stderr, nothing on stdout; applying it again changes nothing', async () => {
    const file = writeFile(demoConfigFor('acme'));
    const first = await apply('acme', file);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, '');
    assert.match(first.stderr, /^Applied to team "acme": [1-9]\d* created, 0 updated, 0 deleted, 0 unchanged/);
    for (const object of ['role admin', 'role sales_manager', 'pod north', 'task type call']) {
      assert.match(first.stderr, new RegExp(`^\\s+\\+ ${object}$`, 'm'), `summary lists "${object}"`);
    }

    const again = await apply('acme', file);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, NO_CHANGES);
    assert.equal(linesOf(again.stderr).length, 1, 'nothing listed as changed');

    const asJson = await apply('acme', file, '--json');
    assert.equal(asJson.code, 0, asJson.stderr);
    const summary = JSON.parse(asJson.stdout);
    assert.deepEqual([summary.created, summary.updated, summary.deleted], [[], [], []]);
    assert.ok(summary.unchanged > 0);
  });

  it('--dry-run reports what would change and changes nothing', async () => {
    const file = writeFile(demoConfigFor('drydock'));
    const dry = await apply('drydock', file, '--dry-run');
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(dry.stdout, '');
    assert.match(dry.stderr, /Dry run for team "drydock" \(nothing was changed\): [1-9]\d* created/);
    assert.match(dry.stderr, /^\s+\+ role admin$/m);
    const absent = await exportTeam('drydock');
    assert.equal(absent.code, 1, 'a dry run created the team');
    assert.match(absent.stderr, /Unknown team "drydock"/);

    assert.equal((await apply('drydock', file)).code, 0);
    const renamed = writeFile(demoConfigFor('drydock').replace('name: Sales Manager', 'name: Area Manager'));
    const dryChange = await apply('drydock', renamed, '--dry-run');
    assert.equal(dryChange.code, 0, dryChange.stderr);
    assert.match(dryChange.stderr, /0 created, 1 updated, 0 deleted/);
    assert.match(dryChange.stderr, /^\s+~ role sales_manager\b/m);
    const exported = await exportTeam('drydock');
    assert.match(exported.stdout, /name: Sales Manager/);
    assert.doesNotMatch(exported.stdout, /Area Manager/, 'a dry run changed the role');
  });

  it('an invalid file exits 1, prints every problem with its path on stderr and changes nothing', async () => {
    const valid = writeFile(demoConfigFor('strict'));
    assert.equal((await apply('strict', valid)).code, 0);
    const before = (await exportTeam('strict')).stdout;

    const invalid = writeFile(
      demoConfigFor('strict')
        .replace('name: Demo Co', 'name: Renamed Co')
        .replace('{ shortId: north, name: North }', '{ shortId: 9north, name: North }')
        .replace('{ shortId: email, name: Email, type: email }', '{ shortId: email, name: Email, type: strng }')
        .replace('role: inside_sales', 'role: no_such_role'),
    );
    const r = await apply('strict', invalid);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^pods\[0\]\.shortId: .*"9north"/m);
    assert.match(r.stderr, /^entities\[0\]\.attributes\[1\]\.type: unknown type "strng"/m);
    assert.match(r.stderr, /^users\[2\]\.role: unknown role "no_such_role"/m);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.equal((await exportTeam('strict')).stdout, before, 'an invalid file changed the team');

    const notYaml = await apply('strict', writeFile('team: [\n'));
    assert.equal(notYaml.code, 1);
    assert.equal(notYaml.stdout, '');
    assert.match(notYaml.stderr, /line \d+/);

    const otherTeam = await apply('someone-else', valid);
    assert.equal(otherTeam.code, 1, 'a file for team "strict" applied with --team someone-else');
    assert.match(otherTeam.stderr, /strict/);
  });

  it('reads ${VAR} references from the process environment', async () => {
    const file = writeFile('team: { slug: envy, name: "${ENVY_TEAM_NAME}", timezone: "+05:30" }\nroles:\n  - { shortId: admin, name: Admin, type: ADMIN }\n');
    const unset = await apply('envy', file);
    assert.equal(unset.code, 1);
    assert.match(unset.stderr, /^team\.name: environment variable ENVY_TEAM_NAME is not set$/m);

    const set = await runCliInProcess(['config', 'apply', '--team', 'envy', file], { ...cli.env, ENVY_TEAM_NAME: 'Envy From Env' });
    assert.equal(set.code, 0, set.stderr);
    const exported = await exportTeam('envy');
    assert.equal(parse(exported.stdout).team.name, 'Envy From Env');
    assert.doesNotMatch(exported.stdout, /ENVY_TEAM_NAME/);
  });

  it('export prints the team as YAML on stdout, and that YAML re-applies with no changes', async () => {
    const original = writeFile(demoConfigFor('roundtrip'));
    assert.equal((await apply('roundtrip', original)).code, 0);

    const exported = await exportTeam('roundtrip');
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal(exported.stderr, '');
    const doc = parse(exported.stdout);
    assert.equal(doc.team.slug, 'roundtrip');
    assert.deepEqual(doc.users.map((u: { username: string }) => u.username).sort(), ['john', 'priya', 'ravi']);
    assert.deepEqual(doc.procedures.map((p: { shortId: string }) => p.shortId), ['lead']);

    const reapplied = await apply('roundtrip', writeFile(exported.stdout));
    assert.equal(reapplied.code, 0, reapplied.stderr);
    assert.match(reapplied.stderr, NO_CHANGES);
  });
});
