/**
 * `npm test`: every test file on SQLite, then the database-facing ones (integration, http, cli)
 * again on PostgreSQL at TEST_DATABASE_URL. An unreachable PostgreSQL is one loud skipped line,
 * or a failure when REQUIRE_PG=1 (CI).
 */
import { spawnSync } from 'node:child_process';
import pg from 'pg';

const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const concurrency = process.env.TEST_CONCURRENCY ?? '4';
/** `npm test -- <files>` runs only those files (on both databases unless they are unit tests). */
const selected = process.argv.slice(2);
const sqliteGlobs = selected.length > 0 ? selected : ['test/**/*.test.ts'];
// Unit tests and the WhatsApp sandbox's own tests touch no database: they run once.
const databaseFree = (file: string) => file.includes('test/unit/') || file.includes('test/http/sandbox/');
const postgresGlobs =
  selected.length > 0
    ? selected.filter((file) => !databaseFree(file))
    : ['test/integration/**/*.test.ts', 'test/http/!(sandbox)/**/*.test.ts', 'test/cli/**/*.test.ts'];

function runSuite(dialect: 'sqlite' | 'postgres', globs: string[]): number {
  process.stderr.write(`\n=== tests on ${dialect} ===\n`);
  const result = spawnSync(
    process.execPath,
    ['--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...globs],
    { stdio: 'inherit', env: { ...process.env, TEST_DIALECT: dialect, TEST_DATABASE_URL: url } },
  );
  return result.status ?? 1;
}

async function postgresReachable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error: unknown) {
    return error instanceof Error ? error.message || String((error as { code?: string }).code) : String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

const sqliteStatus = runSuite('sqlite', sqliteGlobs);
const unreachable = postgresGlobs.length > 0 ? await postgresReachable() : null;
let postgresStatus = 0;
if (postgresGlobs.length === 0) {
  process.stderr.write('\n(no database-facing files selected: PostgreSQL run not needed)\n');
} else if (unreachable) {
  const line = `PostgreSQL tests SKIPPED: cannot reach ${url.replace(/\/\/[^@]*@/, '//')} (${unreachable})`;
  process.stderr.write(`\n!!!!! ${line} !!!!!\n`);
  if (process.env.REQUIRE_PG === '1') {
    process.stderr.write('REQUIRE_PG=1: a skipped PostgreSQL run is a failure.\n');
    postgresStatus = 1;
  }
} else {
  postgresStatus = runSuite('postgres', postgresGlobs);
}
process.exitCode = sqliteStatus !== 0 || postgresStatus !== 0 ? 1 : 0;
