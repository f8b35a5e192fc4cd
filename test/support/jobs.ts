import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config/load-config.ts';
import { openDatabase, type RootDb } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import type { JobsTable } from '../../src/db/schema.ts';
import { runCliInProcess, type CliEnv } from './cli.ts';
import { demoConfigFor } from './factories.ts';
import { client } from './http.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';
import { Type, type TUnknown } from 'typebox';
import { defineJob, type JobDefinition } from '../../src/jobs/index.ts';

/** A clock the test moves by hand (the clock is one of the two things tests may replace). */
export interface ManualClock {
  (): number;
  advance(ms: number): void;
}

export function manualClock(start = 1_700_000_000_000): ManualClock {
  let now = start;
  return Object.assign(() => now, { advance: (ms: number) => void (now += ms) });
}

export interface JobsDatabase {
  /** The migrated database. */
  readonly db: RootDb;
  /** Another connection (pool) to the same database, as a second worker process would have. */
  connect(): RootDb;
  close(): Promise<void>;
}

/** A fresh, migrated database of this file's own, on the dialect of the run. */
export async function openJobsDatabase(): Promise<JobsDatabase> {
  const database: TestDatabase = await createTestDatabase();
  const db = openDatabase(database.target);
  await migrateToLatest(db);
  const extra: RootDb[] = [];
  return {
    db,
    connect() {
      const another = openDatabase(database.target);
      extra.push(another);
      return another;
    },
    async close() {
      for (const handle of [...extra, db]) await handle.close();
      await database.drop();
    },
  };
}

export async function jobRow(db: RootDb, id: string | null): Promise<Omit<JobsTable, 'payload'>> {
  assert.ok(id, 'the job was not enqueued');
  const row = await db.kysely.selectFrom('jobs').select(['id', 'name', 'queue', 'unique_key', 'give_up_at', 'status', 'attempts', 'max_attempts', 'run_at', 'locked_by', 'locked_until', 'last_error', 'created_at', 'updated_at', 'finished_at'])
    .where('id', '=', id).executeTakeFirst();
  assert.ok(row, `job ${id} is gone`);
  // PostgreSQL's bigint columns come back as strings.
  return { ...row, give_up_at: row.give_up_at === null ? null : Number(row.give_up_at), run_at: Number(row.run_at), locked_until: row.locked_until === null ? null : Number(row.locked_until), finished_at: row.finished_at === null ? null : Number(row.finished_at) };
}

/** A promise with its resolve at hand, for handlers the test holds and releases. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

// ---------------------------------------------------------------------------------------------
// Bulk jobs through the HTTP API of a spawned `chakra serve`.
// ---------------------------------------------------------------------------------------------

/** Applies the demo team with the CLI (on either database) and returns an admin key's token. */
export async function prepareDemoTeam(cli: CliEnv): Promise<string> {
  const file = path.join(cli.dataDir, 'team.yaml');
  fs.writeFileSync(file, demoConfigFor('demo'));
  const applied = await runCliInProcess(['config', 'apply', '--team', 'demo', file], cli.env, { timeoutMs: 60_000 });
  assert.equal(applied.code, 0, applied.stderr);
  const key = await runCliInProcess(['key', 'create', '--team', 'demo', '--name', 'bulk', '--role', 'admin', '--json'], cli.env, { timeoutMs: 60_000 });
  assert.equal(key.code, 0, key.stderr);
  return (JSON.parse(key.stdout) as { token: string }).token;
}

/** The database a spawned CLI uses, opened from the same environment. */
export function openCliDatabase(cli: CliEnv): RootDb {
  const config = loadConfig(cli.env);
  return openDatabase(config.database.url ? { kind: 'postgres', url: config.database.url } : { kind: 'sqlite', file: config.database.sqlitePath });
}

export type Counts = Record<'INVALID' | 'NOT_STARTED' | 'IN_PROGRESS' | 'SUCCESS' | 'ERROR' | 'CANCELLED', number>;

export interface JobView {
  readonly job: { id: string; completionStatus: string; totalEntries: number; statusMessage: string | null };
  readonly counts: Counts;
}

export interface Entry {
  index: number;
  completionStatus: string;
  completionMessage: string;
  validationMessage: string;
  completionResult: { processId: string } | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The server must answer in time: a hung server should fail the test, not stall it. */
function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

/** `work` over `items`, at most `limit` at a time, results in order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** The bulk endpoints and what is needed to check their outcome, for one server and token. */
export function bulkApi(baseUrl: () => string, token: () => string) {
  const api = () => client(baseUrl(), token());

  async function submit(method: 'post' | 'patch', route: string, body: unknown): Promise<string> {
    const response = await api()[method](route, body);
    assert.equal(response.status, 200, JSON.stringify(response.body).slice(0, 500));
    return response.body._data.id as string;
  }

  async function job(id: string, timeoutMs = 30_000): Promise<JobView> {
    const response = await withTimeout(api().get(`/v1/ext/background-job/${id}`), timeoutMs, `Fetch Background Job got no answer within ${timeoutMs} ms`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return { job: response.body._data, counts: response.body._meta.bjEntryCompletionStatusVsCount };
  }

  /** Polls Fetch Background Job until `done` holds; fails after `timeoutMs`. */
  async function waitFor(id: string, done: (view: JobView) => boolean, timeoutMs: number, everyMs = 100): Promise<JobView> {
    const deadline = Date.now() + timeoutMs;
    let last: JobView | undefined;
    while (Date.now() < deadline) {
      last = await job(id, Math.max(1000, deadline - Date.now()));
      if (done(last)) return last;
      await sleep(everyMs);
    }
    assert.fail(`job ${id} did not get there within ${timeoutMs} ms; last seen: ${JSON.stringify(last)}`);
  }

  /**
   * Every entry, pages fetched a few at a time; each page's `_meta.next` must name the page
   * after it, so this walks the same chain a client following `next` would.
   */
  async function entries(id: string, total: number): Promise<Entry[]> {
    const base = `/v1/ext/background-job/${id}/entries`;
    const skips = Array.from({ length: Math.ceil(total / 100) }, (_, i) => i * 100);
    const pages = await mapLimit(skips, 4, async (skip) => {
      const response = await api().get(skip === 0 ? `${base}?limit=100` : `${base}?limit=100&skip=${skip}`);
      assert.equal(response.status, 200, JSON.stringify(response.body));
      const expectedNext = skip + 100 < total ? `${base}?limit=100&skip=${skip + 100}` : null;
      assert.equal(response.body._meta.next, expectedNext);
      assert.equal(response.body._meta.total, total);
      return response.body._data as Entry[];
    });
    return pages.flat();
  }

  async function liveLeads(): Promise<number> {
    const response = await api().post('/v1/ext/procedure/lead/process/list', { includeTotal: true, limit: 1 });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body._meta.total as number;
  }

  /** The live leads among `ids` (at most 100), found with List Processes. */
  async function findLeads(ids: readonly string[]): Promise<{ id: string; data: Record<string, unknown> }[]> {
    const response = await api().post('/v1/ext/procedure/lead/process/list', { where: { id: [...ids] }, limit: 100 });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body._data;
  }

  return {
    bulkCreate: (items: unknown[]) => submit('post', '/v1/ext/procedure/lead/process/bulk-create', items),
    bulkUpdate: (items: unknown[]) => submit('patch', '/v1/ext/procedure/lead/process', { processes: items }),
    job, waitFor, entries, liveLeads, findLeads,
    history: (processId: string) => api().get(`/v1/ext/procedure/lead/process/${processId}/history?limit=100`),
    fetchLead: (processId: string) => api().get(`/v1/ext/procedure/lead/process/${processId}`),
  };
}

export type BulkApi = ReturnType<typeof bulkApi>;

/** `n` create bodies without a primary key, so every application makes a new LEAD-xxxxxx. */
export function newLeads(n: number, tag: string): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({ data: { first_name: `${tag}${i}`, score: i } }));
}

/** Any entry the job left unfinished or failed, for the assertion message. */
const describeBad = (bad: Entry[]) => JSON.stringify(bad.slice(0, 3));

/**
 * The job finished and every entry was applied exactly once: all SUCCESS, the counters agree,
 * each entry names its own process, and each of those processes is live. Returns the entries.
 */
export async function assertAppliedOnce(bulk: BulkApi, jobId: string, total: number): Promise<Entry[]> {
  const { job, counts } = await bulk.job(jobId);
  assert.equal(job.completionStatus, 'SUCCESS', JSON.stringify(job));
  assert.deepEqual(counts, { INVALID: 0, NOT_STARTED: 0, IN_PROGRESS: 0, SUCCESS: total, ERROR: 0, CANCELLED: 0 });
  const entries = await bulk.entries(jobId, total);
  assert.equal(entries.length, total);
  assert.deepEqual(entries.map((e) => e.index), Array.from({ length: total }, (_, i) => i), 'entries are listed in index order, each once');
  const bad = entries.filter((e) => e.completionStatus !== 'SUCCESS' || !e.completionResult);
  assert.equal(bad.length, 0, describeBad(bad));
  const ids = entries.map((e) => e.completionResult!.processId);
  assert.equal(new Set(ids).size, total, 'two entries name the same process');
  const starts = Array.from({ length: Math.ceil(total / 100) }, (_, i) => i * 100);
  await mapLimit(starts, 4, async (start) => {
    const page = ids.slice(start, start + 100);
    const found = await bulk.findLeads(page);
    assert.deepEqual(found.map((p) => p.id).sort(), [...page].sort(), `entries ${start}..${start + page.length - 1}: not every process is there`);
  });
  return entries;
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

/** `n` items spread over the whole list (first, last and evenly between). */
export function sample<T>(items: readonly T[], n: number): T[] {
  return Array.from({ length: n }, (_, i) => items[Math.round((i * (items.length - 1)) / (n - 1))]);
}

export interface Claim {
  readonly lockedBy: string;
  readonly backgroundJobId: string;
  readonly partition: number;
}

/** The engine jobs some worker holds right now (status running), read from the database. */
export async function runningClaims(cli: CliEnv): Promise<Claim[]> {
  const db = openCliDatabase(cli);
  try {
    const rows = await db.kysely.selectFrom('jobs').select(['locked_by', 'payload']).where('status', '=', 'running').execute();
    return rows.map((row) => {
      const payload = db.dialect.readJson(row.payload) as { backgroundJobId: string; partition: number };
      return { lockedBy: String(row.locked_by), backgroundJobId: payload.backgroundJobId, partition: payload.partition };
    });
  } finally {
    await db.close();
  }
}

/** How many "update" history entries each of `processIds` has. */
export async function updateCounts(cli: CliEnv, processIds: readonly string[]): Promise<Map<string, number>> {
  const db = openCliDatabase(cli);
  try {
    const counts = new Map<string, number>();
    for (const ids of chunks(processIds, 500)) {
      const rows = await db.kysely.selectFrom('process_history').select(['process_id', db.kysely.fn.countAll<number>().as('n')])
        .where('action', '=', 'update').where('process_id', 'in', ids).groupBy('process_id').execute();
      for (const row of rows) counts.set(row.process_id, Number(row.n));
    }
    return counts;
  } finally {
    await db.close();
  }
}

/**
 * Each entry of a `newLeads(n, tag)` job made the lead of its own item, and every lead has a
 * lead_id of its own (a double application would also show as a skipped or repeated number).
 */
export async function assertOwnLeads(bulk: BulkApi, entries: readonly Entry[], tag: string): Promise<void> {
  const leads = (await mapLimit(chunks(entries.map((e) => e.completionResult!.processId), 100), 4, bulk.findLeads)).flat();
  const byId = new Map(leads.map((p) => [p.id, p.data]));
  for (const e of entries) assert.equal(byId.get(e.completionResult!.processId)?.first_name, `${tag}${e.index}`, `entry ${e.index}`);
  const leadIds = leads.map((p) => String(p.data.lead_id));
  const odd = leadIds.find((v) => !/^LEAD-\d{6}$/.test(v));
  assert.equal(odd, undefined, `an odd lead_id: ${odd}`);
  assert.equal(new Set(leadIds).size, entries.length, 'two leads share a lead_id');
  for (const e of sample(entries, 20)) {
    const fetched = await bulk.fetchLead(e.completionResult!.processId);
    assert.equal(fetched.status, 200, JSON.stringify(fetched.body));
    assert.equal(fetched.body._data.data.score, e.index);
  }
}

/** A job kind for engine tests: any payload, on the bulk queue, tried at most `attempts` times. */
export function testJob(name: string, attempts = 10): JobDefinition<TUnknown> {
  return defineJob({ name, queue: 'bulk', payload: Type.Unknown(), retry: { attempts } });
}
