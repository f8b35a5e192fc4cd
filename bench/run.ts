/**
 * `npm run bench` — measures the process API against baselines on the same machine, in one run.
 *
 *   npm run bench                       100,000 processes, 10 s per workload after a 3 s warm-up
 *   npm run bench -- --quick            10,000 processes, 3 s per workload after a 1 s warm-up
 *   npm run bench -- --db sqlite        only one database (sqlite | postgres)
 *   npm run bench -- --processes 50000 --seconds 5
 *   npm run bench -- --seed-over-http   seed through HTTP creates (slower) instead of in-process
 *   npm run bench -- --sqlite-analyze   ANALYZE the SQLite database after seeding (the server never does)
 *
 * SQLite always runs; PostgreSQL too when TEST_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/test) answers. Prints a table per database and writes every
 * number to bench/results/latest.json (latest-quick.json for --quick). Exits 1 when a request
 * failed or a SQLite target was missed. Other work on the machine lowers req/s and widens
 * latencies (the load average is printed); the CPU ms/req column moves much less.
 */
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { evaluate, formatTable } from './report.ts';
import { postgresReachable } from './servers.ts';
import { runSuite, type DialectName, type SuiteResult } from './suite.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    db: { type: 'string' },
    processes: { type: 'string' },
    seconds: { type: 'string' },
    'seed-over-http': { type: 'boolean', default: false },
    'sqlite-analyze': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log('Usage: npm run bench [-- --quick] [--db sqlite|postgres] [--processes N] [--seconds S] [--seed-over-http] [--sqlite-analyze]');
  process.exit(0);
}

const positiveInt = (raw: string | undefined, fallback: number, name: string): number => {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name}: expected a positive integer, got "${raw}"`);
  return value;
};

const quick = values.quick === true;
const processes = positiveInt(values.processes, quick ? 10_000 : 100_000, 'processes');
const seconds = positiveInt(values.seconds, quick ? 3 : 10, 'seconds');
const settings = { connections: 10, seconds, warmupSeconds: quick ? 1 : 3 };
const postgresUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const log = (line: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

async function dialectsToRun(): Promise<DialectName[]> {
  if (values.db !== undefined && values.db !== 'sqlite' && values.db !== 'postgres') throw new Error(`--db: expected sqlite or postgres, got "${values.db}"`);
  const wanted: DialectName[] = values.db ? [values.db as DialectName] : ['sqlite', 'postgres'];
  if (!wanted.includes('postgres')) return wanted;
  if (await postgresReachable(postgresUrl)) return wanted;
  log(`PostgreSQL at ${new URL(postgresUrl).host} does not answer: ${values.db === 'postgres' ? 'nothing to run' : 'SQLite only'}`);
  return wanted.filter((d) => d !== 'postgres');
}

const machine = {
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  platform: `${os.platform()} ${os.release()}`,
  node: process.version,
  date: new Date().toISOString(),
  /** Other work on the machine skews every number: the 1/5/15-minute load before and after. */
  loadAverageBefore: os.loadavg().map((l) => Math.round(l * 100) / 100),
  loadAverageAfter: [] as number[],
};
if (machine.loadAverageBefore[0] > machine.cpus / 2) {
  log(`warning: the machine is busy (load average ${machine.loadAverageBefore.join(' ')} on ${machine.cpus} CPUs); numbers will be low and noisy`);
}
log(`${machine.cpus} × ${machine.cpuModel}, node ${machine.node}; ${processes} processes, ${settings.connections} connections, ${seconds} s per workload after ${settings.warmupSeconds} s warm-up`);

const started = performance.now();
const results: { result: SuiteResult; rows: ReturnType<typeof evaluate> }[] = [];
for (const dialect of await dialectsToRun()) {
  const result = await runSuite(dialect, { processes, settings, postgresUrl, seedOverHttp: values['seed-over-http'] === true, sqliteAnalyze: values['sqlite-analyze'] === true, log });
  results.push({ result, rows: evaluate(result) });
}
const totalSeconds = Math.round((performance.now() - started) / 1000);
machine.loadAverageAfter = os.loadavg().map((l) => Math.round(l * 100) / 100);

console.log('');
for (const { result, rows } of results) console.log(formatTable(result, rows) + '\n');
console.log(`Load average before ${machine.loadAverageBefore.join(' ')}, after ${machine.loadAverageAfter.join(' ')} (${machine.cpus} CPUs).`);
console.log(`Total ${totalSeconds} s. Baselines: bare = fixed JSON from plain Fastify; lean insert / lean select = one INSERT / one SELECT by primary key, same database settings.`);
console.log('CPU ms/req: CPU time of the answering server process per request (PostgreSQL\'s own work not included).');

const file = new URL(`./results/${quick ? 'latest-quick' : 'latest'}.json`, import.meta.url);
fs.mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
fs.writeFileSync(file, JSON.stringify({ machine, settings: { ...settings, processes, quick }, totalSeconds, results: results.map(({ result, rows }) => ({ ...result, rows })) }, null, 2) + '\n');
console.log(`Wrote ${file.pathname.replace(process.cwd() + '/', '')}`);
process.exitCode = results.some(({ result, rows }) => rows.some((r) => r.failures > 0 || (result.dialect === 'sqlite' && r.pass === false))) ? 1 : 0;
