/**
 * `npm run bench` — measures the process API against baselines on the same machine, in one run.
 *
 *   npm run bench                       100,000 processes, 10 s per workload after a 3 s warm-up
 *   npm run bench -- --quick            10,000 processes, 3 s per workload after a 1 s warm-up
 *   npm run bench -- --db sqlite        only one database (sqlite | postgres)
 *   npm run bench -- --processes 50000 --seconds 5
 *   npm run bench -- --seed-over-http   seed through HTTP creates (slower) instead of in-process
 *   npm run bench -- --sqlite-analyze   ANALYZE the SQLite database after seeding (the server never does)
 *   npm run bench -- --only bulk        only the bulk workloads (--only suite: only the request workloads)
 *   npm run bench -- --only procedures  only `lead` alone vs beside 200 other procedures (--quick: 20)
 *   npm run bench -- --only mixed       only creates, fetches and lists at once for 5 min (--quick: 20 s)
 *   npm run bench -- --only whatsapp    only WhatsApp sends against the sandbox, beside the proxy floor
 *   npm run bench -- --only inbound     only inbound WhatsApp events: receiver, processing, webhook deliveries
 *   npm run bench -- --skip bulk        everything but the bulk workloads (any part can be skipped)
 *   npm run bench -- --bulk-items 50000 items per bulk request (default 100,000; 10,000 with --quick)
 *   npm run bench -- --bulk-cpu-prof D  write a V8 CPU profile of every server and worker of the bulk runs into D
 *   npm run bench -- --inbound-cpu-prof D  the same for the inbound runs
 *
 * The procedures part (bench/procedures.ts) measures create, fetch, list and a 20,000-item bulk
 * create (2,000 with --quick) on `lead` in a database holding only it, and in one that also holds
 * 200 procedures of 11 attributes in 40 teams with 1,000 processes each (bench/crowd.ts), and
 * times the apply of those 40 team files. The mixed part (bench/mixed.ts) runs 3 connections each
 * of creates, fetches and lists alone (30 s each), then all together (300 s) while sampling the
 * server's RSS every second.
 *
 * The inbound part (bench/inbound.ts) posts signed Meta-shaped customer texts to the WhatsApp
 * receiver with 10 connections for 30 s (5 s with --quick), times the drain of the backlog
 * (processed and delivered to a local webhook endpoint), then the start of webhook deliveries
 * while a bulk create of --bulk-items runs; SQLite with one `chakra serve`, PostgreSQL with
 * `serve --no-worker` and two `chakra worker` processes.
 *
 * The bulk part (bench/bulk.ts) starts a fresh server per configuration: SQLite `chakra serve`
 * with WORKER_CONCURRENCY 1 and 2, PostgreSQL `serve --no-worker` with 1 and with 2 `chakra
 * worker` processes. Each bulk-creates N processes, bulk-updates them, and inserts the same rows
 * raw (multi-row INSERTs) into the same database as the floor (bench/raw-insert.ts). To see where
 * a bulk job's time goes: bench/profile.ts (CPU profiles) and bench/bulk-sql-profile.ts (SQLite
 * time per statement).
 *
 * SQLite always runs; PostgreSQL too when TEST_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/test) answers. Prints a table per database and writes every
 * number to bench/results/latest.json (latest-quick.json for --quick; the other parts' figures
 * under `bulk`, `procedures`, `mixed`, `whatsapp` and `inbound`; a part that did not run keeps its
 * figures from the file's previous run). Exits 1 when a request or a bulk verification failed, or a
 * SQLite target was missed. Other work on the machine lowers req/s and widens latencies (the load
 * average is printed); the CPU ms/req column moves much less.
 */
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { BULK_VARIANTS, runBulk, type BulkRun } from './bulk.ts';
import { evaluateBulk, formatBulkMarkdown, formatBulkTable, type BulkEvaluation } from './bulk-report.ts';
import { runMixed, type MixedRun } from './mixed.ts';
import { evaluateMixed, formatMixedTable, type MixedEvaluation } from './mixed-report.ts';
import { runProcedures, type ProceduresRun } from './procedures.ts';
import { evaluateProcedures, formatProceduresTable, type ProceduresEvaluation } from './procedures-report.ts';
import { evaluate, formatTable } from './report.ts';
import { postgresReachable } from './servers.ts';
import { runSuite, type DialectName, type SuiteResult } from './suite.ts';
import { formatWhatsappTable, runWhatsapp, type WhatsappRun } from './whatsapp.ts';
import { INBOUND_VARIANTS, runInbound, type InboundRun } from './inbound.ts';
import { evaluateInbound, formatInboundTable, type InboundEvaluation } from './inbound-report.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    db: { type: 'string' },
    processes: { type: 'string' },
    seconds: { type: 'string' },
    'seed-over-http': { type: 'boolean', default: false },
    'sqlite-analyze': { type: 'boolean', default: false },
    only: { type: 'string' },
    skip: { type: 'string' },
    'bulk-items': { type: 'string' },
    'bulk-cpu-prof': { type: 'string' },
    'inbound-cpu-prof': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log('Usage: npm run bench [-- --quick] [--db sqlite|postgres] [--processes N] [--seconds S] [--seed-over-http] [--sqlite-analyze] [--only suite|bulk|procedures|mixed|whatsapp|inbound] [--skip suite|bulk|procedures|mixed|whatsapp|inbound] [--bulk-items N] [--bulk-cpu-prof DIR] [--inbound-cpu-prof DIR]');
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
const bulkItems = positiveInt(values['bulk-items'], quick ? 10_000 : 100_000, 'bulk-items');
const PARTS = ['suite', 'bulk', 'procedures', 'mixed', 'whatsapp', 'inbound'] as const;
type Part = (typeof PARTS)[number];
const partOption = (name: 'only' | 'skip'): Part | undefined => {
  const raw = values[name];
  if (raw === undefined) return undefined;
  if (!(PARTS as readonly string[]).includes(raw)) throw new Error(`--${name}: expected one of ${PARTS.join(', ')}, got "${raw}"`);
  return raw as Part;
};
const only = partOption('only');
const skip = partOption('skip');
const runs = (part: Part): boolean => (only === undefined || only === part) && skip !== part;
const settings = { connections: 10, seconds, warmupSeconds: quick ? 1 : 3 };
/** The procedures part: other procedures beside `lead` (5 per team), processes in each, bulk size. */
const proceduresSizes = { crowdProcedures: quick ? 20 : 200, perProcedure: 1000, bulkItems: quick ? 2000 : 20_000 };
/** The mixed part: the run together, each workload alone before it, and where its warm-up ends. */
const mixedSizes = { seconds: quick ? 20 : 300, aloneSeconds: quick ? 5 : 30, rssReferenceSeconds: quick ? 5 : 30 };
/** The inbound part: the burst, the customers it comes from, and the bulk job beside the paced events. */
const inboundSizes = {
  connections: settings.connections, warmupSeconds: settings.warmupSeconds, burstSeconds: quick ? 5 : 30, customers: 1000,
  bulkItems, pacedPerSecond: 20, pacedSeconds: 10, drainTimeoutSeconds: 120,
};
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
log(`${machine.cpus} × ${machine.cpuModel}, node ${machine.node}; ${processes} processes, ${settings.connections} connections, ${seconds} s per workload after ${settings.warmupSeconds} s warm-up; parts: ${PARTS.filter(runs).join(', ')}${runs('bulk') ? ` (bulk ${bulkItems} items)` : ''}` +
  `${runs('procedures') ? ` (procedures: ${proceduresSizes.crowdProcedures} others × ${proceduresSizes.perProcedure}, bulk ${proceduresSizes.bulkItems})` : ''}` +
  `${runs('mixed') ? ` (mixed: ${mixedSizes.aloneSeconds} s alone, ${mixedSizes.seconds} s together)` : ''}` +
  `${runs('inbound') ? ` (inbound: ${inboundSizes.burstSeconds} s burst, bulk ${bulkItems} beside ${inboundSizes.pacedPerSecond} events/s)` : ''}`);
const partStarted = (): { at: number; loadAverageBefore: number[] } => ({ at: performance.now(), loadAverageBefore: os.loadavg().map((l) => Math.round(l * 100) / 100) });
/** What every part but the suite stores beside its runs. */
const partRecord = (start: ReturnType<typeof partStarted>) => ({
  date: new Date().toISOString(), loadAverageBefore: start.loadAverageBefore, loadAverageAfter: os.loadavg().map((l) => Math.round(l * 100) / 100),
  totalSeconds: Math.round((performance.now() - start.at) / 1000),
});

const started = performance.now();
const dialects = await dialectsToRun();
const results: { result: SuiteResult; rows: ReturnType<typeof evaluate> }[] = [];
if (runs('suite')) {
  for (const dialect of dialects) {
    const result = await runSuite(dialect, { processes, settings, postgresUrl, seedOverHttp: values['seed-over-http'] === true, sqliteAnalyze: values['sqlite-analyze'] === true, log });
    results.push({ result, rows: evaluate(result) });
  }
}
const suiteSeconds = Math.round((performance.now() - started) / 1000);
const bulkStarted = performance.now();
const bulkLoadBefore = os.loadavg().map((l) => Math.round(l * 100) / 100);
const bulkRuns: { run: BulkRun; evaluation: BulkEvaluation }[] = [];
if (runs('bulk')) {
  const cpuProfDir = values['bulk-cpu-prof'];
  if (cpuProfDir) fs.mkdirSync(cpuProfDir, { recursive: true });
  for (const variant of BULK_VARIANTS.filter((v) => dialects.includes(v.dialect))) {
    const run = await runBulk(variant, { items: bulkItems, postgresUrl, log, cpuProfDir });
    bulkRuns.push({ run, evaluation: evaluateBulk(run) });
  }
}
const bulkRecord = partRecord({ at: bulkStarted, loadAverageBefore: bulkLoadBefore });
const proceduresStarted = partStarted();
const proceduresRuns: { run: ProceduresRun; evaluation: ProceduresEvaluation }[] = [];
if (runs('procedures')) {
  for (const dialect of dialects) {
    const run = await runProcedures(dialect, { ...proceduresSizes, settings, postgresUrl, log });
    proceduresRuns.push({ run, evaluation: evaluateProcedures(run) });
  }
}
const proceduresRecord = partRecord(proceduresStarted);
const mixedStarted = partStarted();
const mixedRuns: { run: MixedRun; evaluation: MixedEvaluation }[] = [];
if (runs('mixed')) {
  for (const dialect of dialects) {
    const run = await runMixed(dialect, { ...mixedSizes, warmupSeconds: settings.warmupSeconds, postgresUrl, log });
    mixedRuns.push({ run, evaluation: evaluateMixed(run) });
  }
}
const mixedRecord = partRecord(mixedStarted);
const whatsappStarted = partStarted();
const whatsappRuns: WhatsappRun[] = [];
if (runs('whatsapp')) {
  for (const dialect of dialects) whatsappRuns.push(await runWhatsapp(dialect, { settings, postgresUrl, log }));
}
const whatsappRecord = partRecord(whatsappStarted);
const inboundStarted = partStarted();
const inboundRuns: { run: InboundRun; evaluation: InboundEvaluation }[] = [];
if (runs('inbound')) {
  const cpuProfDir = values['inbound-cpu-prof'];
  if (cpuProfDir) fs.mkdirSync(cpuProfDir, { recursive: true });
  for (const variant of INBOUND_VARIANTS.filter((v) => dialects.includes(v.dialect))) {
    const run = await runInbound(variant, { ...inboundSizes, postgresUrl, log, cpuProfDir });
    inboundRuns.push({ run, evaluation: evaluateInbound(run) });
  }
}
const inboundRecord = partRecord(inboundStarted);
const totalSeconds = Math.round((performance.now() - started) / 1000);
machine.loadAverageAfter = os.loadavg().map((l) => Math.round(l * 100) / 100);

console.log('');
for (const { result, rows } of results) console.log(formatTable(result, rows) + '\n');
for (const { run, evaluation } of bulkRuns) console.log(formatBulkTable(run, evaluation) + '\n');
if (bulkRuns.length > 0) {
  console.log('Bulk, for the README (finish = accept answer to the job\'s SUCCESS; entries/s = items ÷ finish; raw = multi-row INSERT of the same rows, primary key only):');
  console.log(formatBulkMarkdown(bulkRuns) + '\n');
}
for (const { run, evaluation } of proceduresRuns) console.log(formatProceduresTable(run, evaluation) + '\n');
for (const { run, evaluation } of mixedRuns) console.log(formatMixedTable(run, evaluation) + '\n');
if (whatsappRuns.length > 0) console.log('WhatsApp sends against the sandbox (proxy floor = a lean route sending the same body with the same HTTP client):\n' + formatWhatsappTable(whatsappRuns) + '\n');
if (inboundRuns.length > 0) console.log('Inbound WhatsApp events (targets for SQLite with one process; PostgreSQL runs serve --no-worker beside two workers):\n' + formatInboundTable(inboundRuns) + '\n');
console.log(`Load average before ${machine.loadAverageBefore.join(' ')}, after ${machine.loadAverageAfter.join(' ')} (${machine.cpus} CPUs).`);
console.log(`Total ${totalSeconds} s.${results.length > 0 ? ' Baselines: bare = fixed JSON from plain Fastify; lean insert / lean select = one INSERT / one SELECT by primary key, same database settings.' : ''}`);
if (results.length + proceduresRuns.length > 0) console.log('CPU ms/req: CPU time of the answering server process per request (PostgreSQL\'s own work not included).');

const file = new URL(`./results/${quick ? 'latest-quick' : 'latest'}.json`, import.meta.url);
fs.mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
// A part that did not run keeps the figures of the run that last measured it.
const previous = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
const suitePart = runs('suite')
  ? { machine, settings: { ...settings, processes, quick }, totalSeconds: suiteSeconds, results: results.map(({ result, rows }) => ({ ...result, rows })) }
  : { machine: previous.machine, settings: previous.settings, totalSeconds: previous.totalSeconds, results: previous.results };
const bulkPart = runs('bulk') ? { ...bulkRecord, items: bulkItems, runs: bulkRuns.map(({ run, evaluation }) => ({ ...run, evaluation })) } : previous.bulk;
const proceduresPart = runs('procedures') ? { ...proceduresRecord, ...proceduresSizes, settings, runs: proceduresRuns.map(({ run, evaluation }) => ({ ...run, evaluation })) } : previous.procedures;
const mixedPart = runs('mixed') ? { ...mixedRecord, ...mixedSizes, runs: mixedRuns.map(({ run, evaluation }) => ({ ...run, evaluation })) } : previous.mixed;
const whatsappPart = runs('whatsapp') ? { ...whatsappRecord, settings, runs: whatsappRuns } : previous.whatsapp;
const inboundPart = runs('inbound') ? { ...inboundRecord, ...inboundSizes, runs: inboundRuns.map(({ run, evaluation }) => ({ ...run, evaluation })) } : previous.inbound;
fs.writeFileSync(file, JSON.stringify({ ...suitePart, bulk: bulkPart, procedures: proceduresPart, mixed: mixedPart, whatsapp: whatsappPart, inbound: inboundPart }, null, 2) + '\n');
console.log(`Wrote ${file.pathname.replace(process.cwd() + '/', '')}`);
const suiteFailed = results.some(({ result, rows }) => rows.some((r) => r.failures > 0 || (result.dialect === 'sqlite' && r.pass === false)));
const bulkFailed = bulkRuns.some(({ evaluation }) => evaluation.failed);
const scaleFailed = [...proceduresRuns, ...mixedRuns, ...inboundRuns].some(({ evaluation }) => evaluation.failed);
process.exitCode = suiteFailed || bulkFailed || scaleFailed ? 1 : 0;
