/**
 * Which SQL statements a bulk job spends its SQLite time in. A CPU profile charges all of
 * node:sqlite's work to one wrapper function; this times every statement by its SQL text instead.
 * It runs the bulk service and the job engine in this process (no HTTP) over a fresh SQLite file
 * with the server's settings, with node:sqlite's statement methods wrapped in a timer:
 *
 *   node bench/bulk-sql-profile.ts [--items 100000] [--update] [--pragma cache_size=-65536 ...]
 *
 * --pragma sets a PRAGMA on the server's connection after it opened, and --drop-indexes drops the
 * indexes whose names are LIKE a pattern (e.g. 'pa_%', the attribute indexes): experiments that
 * show what a setting or an index costs, without changing the server. At the end the largest
 * tables and indexes are listed with their page counts.
 * Prints, for accepting the job and for processing it, the wall time, the time inside SQLite
 * and the statements ranked by it (multi-row VALUES and IN lists folded, so one line stands for
 * all the batch sizes of a statement).
 */
import { leadTable } from './tables.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StatementSync } from 'node:sqlite';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { loadConfig } from '../src/config/load-config.ts';
import { createApiKeysRepo } from '../src/platform/api-keys/index.ts';
import { openRuntime, type Runtime } from '../src/runtime.ts';
import { sha256Hex } from '../src/shared/crypto.ts';
import { createLogger } from '../src/shared/logger.ts';
import { bulkCreateItems } from './bulk.ts';
import { prepareTeam, PROCEDURE } from './seed.ts';

const { values } = parseArgs({
  options: { items: { type: 'string', default: '100000' }, update: { type: 'boolean', default: false }, pragma: { type: 'string', multiple: true, default: [] }, 'drop-indexes': { type: 'string', multiple: true, default: [] } },
});
const items = Number(values.items);

interface Stat { calls: number; ms: number; changes: number }
let stats = new Map<string, Stat>();

/** One line per statement shape: VALUES tuples and IN lists of any length fold into one. */
const shape = (text: string): string => text
  .replace(/\s+/g, ' ')
  .replace(/\((?:\?, )*\?\)(?:, \((?:\?, )*\?\))+/g, '(?…) × n')
  .replace(/in \((?:\?, )*\?\)/gi, 'in (?…)')
  .trim();

for (const method of ['run', 'all', 'get', 'iterate'] as const) {
  const original = StatementSync.prototype[method] as (...args: unknown[]) => unknown;
  (StatementSync.prototype as unknown as Record<string, unknown>)[method] = function (this: StatementSync, ...args: unknown[]) {
    const started = performance.now();
    const result = original.apply(this, args);
    const key = shape(this.sourceSQL);
    const stat = stats.get(key) ?? { calls: 0, ms: 0, changes: 0 };
    stat.calls++;
    stat.ms += performance.now() - started;
    if (method === 'run') stat.changes += Number((result as { changes: number | bigint }).changes);
    stats.set(key, stat);
    return result;
  };
}

/** This process's CPU seconds (user, system) and bytes written to files so far (Linux /proc). */
function usage(): { user: number; system: number; written: number } {
  const { user, system } = process.cpuUsage();
  let written = NaN;
  try {
    written = Number(/write_bytes: (\d+)/.exec(fs.readFileSync('/proc/self/io', 'utf8'))?.[1]);
  } catch {
    // No /proc: bytes written stay unknown.
  }
  return { user: user / 1e6, system: system / 1e6, written };
}
let phaseStart = usage();

function report(title: string, wallMs: number): void {
  const sqlMs = [...stats.values()].reduce((total, s) => total + s.ms, 0);
  const now = usage();
  console.log(`\n== ${title}: ${(wallMs / 1000).toFixed(2)} s wall, ${(sqlMs / 1000).toFixed(2)} s inside SQLite (${((sqlMs / wallMs) * 100).toFixed(0)}%); ` +
    `CPU ${(now.user - phaseStart.user).toFixed(2)} s user + ${(now.system - phaseStart.system).toFixed(2)} s system; ${((now.written - phaseStart.written) / 2 ** 20).toFixed(0)} MiB written to disk`);
  phaseStart = now;
  for (const [text, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) {
    console.log(`  ${(s.ms / 1000).toFixed(2).padStart(7)} s ${String(s.calls).padStart(6)} calls ${String(s.changes).padStart(7)} rows  ${text.slice(0, 220)}`);
  }
  stats = new Map();
}

async function runJob(runtime: Runtime, submit: () => Promise<{ job: { id: string } }>, teamId: string): Promise<void> {
  let started = performance.now();
  const { job } = await submit();
  report('accept', performance.now() - started);
  started = performance.now();
  for (;;) {
    await runtime.engine.runOnce();
    const row = await runtime.db.kysely.selectFrom('background_jobs').select(['completion_status', 'count_success']).where('team_id', '=', teamId).where('id', '=', job.id).executeTakeFirstOrThrow();
    if (row.completion_status !== 'NOT_STARTED' && row.completion_status !== 'IN_PROGRESS') {
      if (Number(row.count_success) !== items) throw new Error(`only ${row.count_success} of ${items} entries succeeded`);
      break;
    }
  }
  report('processing', performance.now() - started);
}

/** Pages per table and index (SQLite's dbstat), largest first. */
async function largestObjects(runtime: Runtime): Promise<void> {
  const { rows } = await sql<{ name: string; pages: number }>`select name, count(*) as pages from dbstat group by name order by pages desc limit 25`.execute(runtime.db.kysely);
  console.log('\n== largest tables and indexes (4 KiB pages)');
  for (const r of rows) console.log(`  ${String(r.pages).padStart(7)}  ${r.name}`);
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chakra-bulk-sql-'));
try {
  const env = { DATA_DIR: dataDir };
  const token = await prepareTeam(env);
  const runtime = await openRuntime(loadConfig(env), { logger: createLogger('warn') });
  try {
    const principal = await createApiKeysRepo(runtime.db).findPrincipalByTokenHash(sha256Hex(token));
    if (!principal) throw new Error('the bench token resolves to no key');
    for (const pragma of values.pragma) await sql.raw(`pragma ${pragma}`).execute(runtime.db.kysely);
    for (const pattern of values['drop-indexes']) {
      const { rows } = await sql<{ name: string }>`select name from sqlite_master where type = 'index' and sql is not null and name like ${pattern}`.execute(runtime.db.kysely);
      for (const { name } of rows) await sql`drop index ${sql.id(name)}`.execute(runtime.db.kysely);
      console.log(`dropped ${rows.length} indexes like ${pattern}`);
    }
    stats = new Map();
    phaseStart = usage();
    console.log(`bulk-create of ${items} items${values.pragma.length > 0 ? ` (pragma ${values.pragma.join(', ')})` : ''}`);
    await runJob(runtime, () => runtime.services.bulk.bulkCreate(principal, PROCEDURE, bulkCreateItems(items)), principal.teamId);
    if (values.update) {
      const rows = await runtime.db.kysely.selectFrom(await leadTable(runtime.db)).select('id').orderBy('created_at').orderBy('id').execute();
      stats = new Map();
      phaseStart = usage();
      console.log(`\nbulk-update of ${rows.length} items`);
      const updates = rows.map((r, i) => ({ id: r.id, data: { score: 1000 + (i % 100) } }));
      await runJob(runtime, () => runtime.services.bulk.bulkUpdate(principal, PROCEDURE, { processes: updates }), principal.teamId);
    }
    await largestObjects(runtime);
  } finally {
    await runtime.close();
  }
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
