import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { baseEnv, createCliEnv, killAllCli, linesOf, newSecretKey, REPO_ROOT, runCliInProcess, runCliMany, type CliEnv, type CliEnvVars, type CliResult } from '../support/cli.ts';

const VERSION = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function describeRun(args: readonly string[], r: CliResult): string {
  return `chakra ${args.join(' ')} → ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
}

/** One line on stderr, nothing on stdout, exit 1, and no stack trace. */
function assertOneLineFailure(args: readonly string[], r: CliResult): string {
  assert.equal(r.code, 1, describeRun(args, r));
  assert.equal(r.stdout, '', describeRun(args, r));
  const lines = linesOf(r.stderr);
  assert.equal(lines.length, 1, describeRun(args, r));
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  return lines[0];
}

/** Each invocation in turn, in this process. */
async function runEach(list: readonly (readonly string[])[], env: CliEnvVars): Promise<CliResult[]> {
  const results: CliResult[] = [];
  for (const args of list) results.push(await runCliInProcess(args, env));
  return results;
}

describe('chakra CLI: exit codes and output streams (OPERATIONS.md)', () => {
  let db: CliEnv;
  // Help and usage errors run against a directory of their own, to show they touch nothing.
  let untouched: CliEnv;
  before(async () => {
    [db, untouched] = await Promise.all([createCliEnv(), createCliEnv()]);
  });
  after(async () => {
    killAllCli();
    await Promise.all([db?.drop(), untouched?.drop()]);
  });

  it('--help on the main command and on every command: exit 0, usage on stdout, nothing on stderr', async () => {
    const cases: [string[], RegExp][] = [
      [['--help'], /Usage: chakra <command>/],
      [['-h'], /Usage: chakra <command>/],
      [['serve', '--help'], /chakra serve/],
      [['worker', '--help'], /chakra worker/],
      [['migrate', '--help'], /chakra migrate/],
      [['config', '--help'], /chakra config apply/],
      [['config', 'apply', '--help'], /chakra config apply/],
      [['key', '--help'], /chakra key create/],
      [['key', 'create', '--help'], /chakra key create/],
      [['sandbox', '--help'], /chakra sandbox/],
    ];
    const results = await runEach(cases.map(([args]) => args), untouched.env);
    cases.forEach(([args, usage], i) => {
      const r = results[i];
      assert.equal(r.code, 0, describeRun(args, r));
      assert.match(r.stdout, usage, describeRun(args, r));
      assert.match(r.stdout, /Usage/, describeRun(args, r));
      assert.equal(r.stderr, '', describeRun(args, r));
    });
    for (const command of ['serve', 'worker', 'migrate', 'config', 'key', 'sandbox']) {
      assert.match(results[0].stdout, new RegExp(`^\\s+${command}\\b`, 'm'), `main usage lists ${command}`);
    }
    assert.deepEqual(fs.readdirSync(untouched.dataDir), [], '--help created files in DATA_DIR');
  });

  it('--version prints the package version on stdout', async () => {
    const r = await runCliInProcess(['--version'], untouched.env);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `${VERSION}\n`);
    assert.equal(r.stderr, '');
  });

  it('a wrong invocation exits 2 with the message and usage on stderr and nothing on stdout', async () => {
    const cases: [string[], RegExp][] = [
      [[], /Usage: chakra <command>/],
      [['bogus'], /unknown command "bogus"/],
      [['serve', '--bogus'], /Unknown option '--bogus'/],
      [['migrate', 'extra'], /unexpected argument "extra"/],
      [['sandbox', '--bogus'], /Unknown option '--bogus'/],
      [['config'], /Usage:\s+chakra config apply/],
      [['config', 'bogus'], /unknown config command "bogus"/],
      [['config', 'apply', '--team', 'acme'], /expected one <file>/],
      [['key'], /Usage:\s+chakra key create/],
      [['key', 'bogus'], /unknown key command "bogus"/],
      [['key', 'create'], /--team is required/],
      [['key', 'create', '--team', 'acme', '--name', 'n'], /--role is required/],
      [['key', 'create', '--team'], /argument missing/i],
      [['key', 'revoke', '--team', 'acme'], /expected <keyId>/],
    ];
    const results = await runEach(cases.map(([args]) => args), untouched.env);
    cases.forEach(([args, message], i) => {
      const r = results[i];
      assert.equal(r.code, 2, describeRun(args, r));
      assert.equal(r.stdout, '', describeRun(args, r));
      assert.match(r.stderr, message, describeRun(args, r));
      assert.match(r.stderr, /Usage/, describeRun(args, r));
    });
    assert.deepEqual(fs.readdirSync(untouched.dataDir), [], 'a usage error created files in DATA_DIR');
  });

  it('a failing command exits 1 with the reason on stderr and nothing on stdout', async () => {
    const invalid = path.join(db.dataDir, 'invalid.yaml');
    fs.writeFileSync(invalid, 'team: { slug: acme, name: Acme }\nroles:\n  - { shortId: admin, name: Admin, type: WIZARD }\n');
    const cases: [string[], RegExp][] = [
      [['key', 'create', '--team', 'nope', '--name', 'n', '--role', 'admin'], /^Unknown team "nope"$/m],
      [['key', 'revoke', '--team', 'nope', 'some-id'], /^Unknown team "nope"$/m],
      [['config', 'export', '--team', 'nope'], /^Unknown team "nope"$/m],
      [['config', 'apply', '--team', 'acme', invalid], /^roles\[0\]\.type: expected one of ADMIN, MANAGER, USER$/m],
      [['config', 'apply', '--team', 'acme', path.join(db.dataDir, 'missing.yaml')], /missing\.yaml: no such file/],
    ];
    const results = await runEach(cases.map(([args]) => args), db.env);
    cases.forEach(([args, message], i) => {
      const r = results[i];
      assert.equal(r.code, 1, describeRun(args, r));
      assert.equal(r.stdout, '', describeRun(args, r));
      assert.match(r.stderr, message, describeRun(args, r));
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    });
  });

  // The same contract through the real binary (`node src/main.ts`), as a shell sees it: the
  // exit code of the process and which of its streams the text went to.
  it('as a process: --help exits 0 with the usage on stdout; a usage error exits 2 and a failure 1, both on stderr only', async () => {
    const runs: string[][] = [['--help'], ['bogus'], ['config', 'export', '--team', 'nope']];
    const [help, usage, failure] = await runCliMany(runs, db.env);

    assert.equal(help.code, 0, describeRun(runs[0], help));
    assert.equal(help.signal, null);
    assert.match(help.stdout, /Usage: chakra <command>/, describeRun(runs[0], help));
    assert.equal(help.stderr, '', describeRun(runs[0], help));

    assert.equal(usage.code, 2, describeRun(runs[1], usage));
    assert.equal(usage.stdout, '', describeRun(runs[1], usage));
    assert.match(usage.stderr, /unknown command "bogus"/, describeRun(runs[1], usage));
    assert.match(usage.stderr, /Usage/, describeRun(runs[1], usage));

    assert.equal(assertOneLineFailure(runs[2], failure), 'Unknown team "nope"');
  });
});

describe('chakra CLI: bad configuration stops it with one clear line (OPERATIONS.md)', () => {
  let scratch: CliEnv;
  before(async () => {
    scratch = await createCliEnv({ dialect: 'sqlite' });
  });
  after(async () => {
    killAllCli();
    await scratch?.drop();
  });

  it('an unreachable DATABASE_URL, a bad PORT, two bad variables, a missing CHAKRA_SECRET_KEY', async () => {
    const dataDir = scratch.dataDir;
    const unreachable = baseEnv({ DATA_DIR: dataDir, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/x', CHAKRA_SECRET_KEY: newSecretKey() });
    const runs: [string[], Record<string, string>][] = [
      [['serve'], unreachable],
      [['serve'], baseEnv({ DATA_DIR: dataDir, PORT: 'abc' })],
      [['serve'], baseEnv({ DATA_DIR: dataDir, PORT: 'abc', LOG_LEVEL: 'loud' })],
      [['migrate'], baseEnv({ DATA_DIR: dataDir, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/x' })],
    ];
    // `serve` stops at its configuration or its database here, before it would wait for a signal.
    const results = await Promise.all(runs.map(([args, env]) => runCliInProcess(args, env)));
    const [serveDb, port, both, noKey] = results.map((r, i) => assertOneLineFailure(runs[i][0], r));
    assert.match(serveDb, /^DATABASE_URL: cannot connect to 127\.0\.0\.1:1\b/);
    assert.match(port, /\bPORT\b/);
    assert.doesNotMatch(port, /LOG_LEVEL/);
    assert.match(both, /\bPORT\b.*\bLOG_LEVEL\b|\bLOG_LEVEL\b.*\bPORT\b/);
    assert.match(noKey, /\bCHAKRA_SECRET_KEY\b/);
    assert.ok(!fs.existsSync(path.join(dataDir, 'chakra.db')), 'a bad configuration still created the database');
  });
});

