import fs from 'node:fs';
import path from 'node:path';
import { leadGenerator } from './data.ts';
import { listTotal, submit, successfulProcessIds, waitForJob, type Accepted, type EntryCounts, type Finished } from './bulk-http.ts';
import { processCpuMs } from './measure.ts';
import { rawInsertFloors, snapshotProcesses, type RawFloors } from './raw-insert.ts';
import { prepareTeam, PROCEDURE } from './seed.ts';
import { startApiServer, startWorker, type ChildOptions, type RunningServer } from './servers.ts';
import { prepareStorage, type DialectName } from './suite.ts';

/**
 * Issue 5's bulk workloads, against a fresh server per run: Bulk Create N processes, then Bulk
 * Update the same N, each timed from the request to the job's SUCCESS, and the raw multi-row
 * INSERT of the same rows into the same database as the floor (raw-insert.ts).
 */

/** How the workers run: in the serving process (`chakra serve`), or as `chakra worker` processes beside `serve --no-worker`. */
export interface BulkVariant {
  readonly dialect: DialectName;
  readonly workers: number;
  readonly separateWorkers: boolean;
  /** The configuration the SQLite targets are set for (the others are reported beside it). */
  readonly targeted: boolean;
}

export const BULK_VARIANTS: readonly BulkVariant[] = [
  { dialect: 'sqlite', workers: 1, separateWorkers: false, targeted: true },
  { dialect: 'sqlite', workers: 2, separateWorkers: false, targeted: false },
  { dialect: 'postgres', workers: 1, separateWorkers: true, targeted: false },
  { dialect: 'postgres', workers: 2, separateWorkers: true, targeted: false },
];

export const describeVariant = (v: BulkVariant): string =>
  v.separateWorkers ? `serve --no-worker + ${v.workers} × worker` : `serve, WORKER_CONCURRENCY=${v.workers}`;

export interface BulkPhase {
  readonly items: number;
  readonly bodyMiB: number;
  /** The POST / PATCH round trip (the body is serialized beforehand, untimed). */
  readonly acceptSeconds: number;
  /** From the accept answer to the job's completedAt (server clock, same machine). */
  readonly finishSeconds: number;
  /** From the accept answer to the 200 ms poll that first saw SUCCESS. */
  readonly polledSeconds: number;
  /** items / finishSeconds: the rate the target is about. */
  readonly entriesPerSecond: number;
  /** items / (acceptSeconds + finishSeconds). */
  readonly endToEndPerSecond: number;
  /** CPU seconds of the chakra processes (server and workers; not PostgreSQL's) while accepting and while finishing. */
  readonly cpuSeconds: { readonly accept: number | null; readonly finish: number | null };
  readonly counts: EntryCounts;
  readonly statusMessage: string | null;
  /** What verification found wrong; empty when every check held. */
  readonly problems: string[];
}

export interface BulkRun {
  readonly dialect: DialectName;
  readonly variant: string;
  readonly workers: number;
  readonly targeted: boolean;
  readonly items: number;
  readonly create: BulkPhase;
  readonly update: BulkPhase;
  /** Reading the created processes' ids back through the entries endpoint (untimed setup of the update). */
  readonly idsSetupSeconds: number;
  readonly raw: RawFloors;
}

export interface BulkOptions {
  readonly items: number;
  readonly postgresUrl: string;
  readonly log: (line: string) => void;
  /** Write a V8 CPU profile of every chakra child into this directory. */
  readonly cpuProfDir?: string;
}

// Other seeds than the suite's, so the bulk leads are their own set.
const SEED_BULK = 3;
/** Scores the update sets lie above every created score (0..99), so a range filter counts the updated. */
const UPDATED_SCORE_BASE = 1000;
const ROUTE = `/v1/ext/procedure/${PROCEDURE}/process`;

/**
 * Create bodies with six attributes: the primary key lead_id given at the item root (as bulk
 * examples do; unique values, so none is generated) plus first_name, last_name, phone_number,
 * score and city in data; 60% carry an assignee as Create Process bodies do.
 */
export function bulkCreateItems(count: number): unknown[] {
  const next = leadGenerator(SEED_BULK);
  return Array.from({ length: count }, (_, i) => ({ lead_id: `IMPORT-${String(i + 1).padStart(7, '0')}`, ...next(i) }));
}

const cpuSecondsOf = (pids: readonly number[]): number | null => {
  let total = 0;
  for (const pid of pids) {
    const ms = processCpuMs(pid);
    if (ms === null) return null;
    total += ms;
  }
  return total / 1000;
};
const delta = (after: number | null, before: number | null): number | null => (after === null || before === null ? null : round2(after - before));

/** Now on CLOCK_MONOTONIC in µs: the clock V8 CPU profiles time their samples with. */
const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

/**
 * With --bulk-cpu-prof, where each phase lies on the profiles' clock and which processes ran it,
 * so a profile can be cut into accept and finish (see bench/profile.ts).
 */
function recordWindow(options: BulkOptions, label: string, pids: readonly number[], startUs: number, endUs: number): void {
  if (options.cpuProfDir) fs.appendFileSync(path.join(options.cpuProfDir, 'windows.jsonl'), JSON.stringify({ label, pids, startUs, endUs }) + '\n');
}

interface PhaseRequest {
  readonly name: string;
  readonly method: 'POST' | 'PATCH';
  readonly path: string;
  readonly body: unknown;
  readonly items: number;
}

async function runPhase(api: RunningServer, pids: readonly number[], token: string, request: PhaseRequest, options: BulkOptions): Promise<{ phase: BulkPhase; finished: Finished }> {
  const { items } = request;
  const { log } = options;
  const text = JSON.stringify(request.body);
  const cpu0 = cpuSecondsOf(pids);
  const us0 = monotonicUs();
  const accepted: Accepted = await submit(api.url, token, request.method, request.path, text);
  const us1 = monotonicUs();
  const cpu1 = cpuSecondsOf(pids);
  log(`  accepted in ${accepted.seconds.toFixed(2)} s (${(text.length / 2 ** 20).toFixed(1)} MiB); waiting for job ${accepted.job.id}`);
  const finished = await waitForJob(api.url, token, accepted, log);
  const cpu2 = cpuSecondsOf(pids);
  recordWindow(options, `${request.name} accept`, pids, us0, us1);
  recordWindow(options, `${request.name} finish`, pids, us1, monotonicUs());
  const finishSeconds = Math.max(0.001, (finished.job.completedAt - accepted.atEpoch) / 1000);
  const counts = finished.counts;
  const problems: string[] = [];
  if (finished.job.completionStatus !== 'SUCCESS') problems.push(`job ended ${finished.job.completionStatus}: ${finished.job.statusMessage}`);
  if (counts.SUCCESS !== items) problems.push(`${counts.SUCCESS} of ${items} entries SUCCESS (${JSON.stringify(counts)})`);
  return {
    finished,
    phase: {
      items, bodyMiB: round2(text.length / 2 ** 20), acceptSeconds: round3(accepted.seconds), finishSeconds: round3(finishSeconds),
      polledSeconds: round3(finished.polledSeconds), entriesPerSecond: Math.round(items / finishSeconds),
      endToEndPerSecond: Math.round(items / (accepted.seconds + finishSeconds)),
      cpuSeconds: { accept: delta(cpu1, cpu0), finish: delta(cpu2, cpu1) }, counts, statusMessage: finished.job.statusMessage, problems,
    },
  };
}

/** Starts the server and its workers for a variant; `work` runs while they are up. */
export async function withChakra<T>(variant: BulkVariant, env: Record<string, string>, options: Pick<BulkOptions, 'cpuProfDir'>, work: (api: RunningServer, pids: number[]) => Promise<T>): Promise<T> {
  const child: ChildOptions = options.cpuProfDir ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] } : {};
  const running: RunningServer[] = [];
  try {
    const workerEnv = { ...env, WORKER_CONCURRENCY: variant.separateWorkers ? '1' : String(variant.workers) };
    const api = await startApiServer(workerEnv, variant.separateWorkers ? ['--no-worker'] : [], child);
    running.push(api);
    for (let i = 0; variant.separateWorkers && i < variant.workers; i++) running.push(await startWorker(workerEnv, child));
    return await work(api, running.map((r) => r.pid));
  } catch (error: unknown) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${running.map((r) => r.describe()).join('\n')}`, { cause: error });
  } finally {
    for (const r of running.reverse()) await r.stop();
  }
}

/** One variant on fresh storage: bulk create, bulk update, then the raw floors with the servers stopped. */
export async function runBulk(variant: BulkVariant, options: BulkOptions): Promise<BulkRun> {
  const { items, log } = options;
  const name = `${variant.dialect} (${describeVariant(variant)})`;
  // The raw floor goes where the suite's lean baseline goes: a fresh SQLite file with the same
  // pragmas in the same data directory, or a fresh schema of the same PostgreSQL database.
  const storage = await prepareStorage(variant.dialect, options.postgresUrl);
  try {
    const token = await prepareTeam(storage.apiEnv);
    const measured = await withChakra(variant, storage.apiEnv, options, async (api, pids) => {
      const before = await listTotal(api.url, token);
      log(`${name}: bulk-create ${items} processes…`);
      const created = await runPhase(api, pids, token, { name: `${name} bulk-create`, method: 'POST', path: `${ROUTE}/bulk-create`, body: bulkCreateItems(items), items }, options);
      const grown = (await listTotal(api.url, token)) - before;
      if (grown !== items) created.phase.problems.push(`the list total grew by ${grown}, expected ${items}`);
      log(`${name}: created in ${created.phase.finishSeconds} s after accept (${created.phase.entriesPerSecond}/s); reading the rows and ids back…`);
      const snapshot = await snapshotProcesses(storage.apiTarget);
      const setupStarted = performance.now();
      const ids = await successfulProcessIds(api.url, token, created.finished.job.id, items);
      const idsSetupSeconds = round3((performance.now() - setupStarted) / 1000);
      if (new Set(ids).size !== items || ids.includes('')) created.phase.problems.push(`the entries gave ${new Set(ids).size} distinct process ids, expected ${items}`);
      log(`${name}: bulk-update ${items} processes (ids read in ${idsSetupSeconds} s)…`);
      const updateItems = ids.map((id, i) => ({ id, data: { score: UPDATED_SCORE_BASE + (i % 100) } }));
      const updated = await runPhase(api, pids, token, { name: `${name} bulk-update`, method: 'PATCH', path: ROUTE, body: { processes: updateItems }, items }, options);
      const changed = await listTotal(api.url, token, { score: { '>=': UPDATED_SCORE_BASE } });
      if (changed !== items) updated.phase.problems.push(`${changed} processes carry an updated score, expected ${items}`);
      log(`${name}: updated in ${updated.phase.finishSeconds} s after accept (${updated.phase.entriesPerSecond}/s)`);
      return { create: created.phase, update: updated.phase, idsSetupSeconds, snapshot };
    });
    log(`${name}: raw multi-row INSERT of the same ${measured.snapshot.rows.length} rows…`);
    const raw = await rawInsertFloors(storage.leanTarget, measured.snapshot);
    log(`${name}: raw ${raw.pkOnly.rowsPerSecond} rows/s (primary key only), ${raw.withIndexes.rowsPerSecond} rows/s (with the ${raw.withIndexes.secondaryIndexes} secondary indexes), ` +
      `${raw.withIndexesBatched.rowsPerSecond} rows/s (with them, committing every ${raw.withIndexesBatched.rowsPerTransaction} rows)`);
    return {
      dialect: variant.dialect, variant: describeVariant(variant), workers: variant.workers, targeted: variant.targeted, items,
      create: measured.create, update: measured.update, idsSetupSeconds: measured.idsSetupSeconds, raw,
    };
  } finally {
    await storage.cleanup();
  }
}

const round2 = (value: number): number => Math.round(value * 100) / 100;
const round3 = (value: number): number => Math.round(value * 1000) / 1000;
