import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openDatabase, type DatabaseTarget } from '../src/db/database.ts';
import { EQUALITY_FILTER, leadGenerator, RANGE_FILTER, RANGE_SORT } from './data.ts';
import { checkDerived, type DerivedCheck } from './integrity.ts';
import { seedLeanTable } from './lean-table.ts';
import { measure, type Measurement, type RunSettings, type Workload } from './measure.ts';
import { prepareTeam, PROCEDURE, seedInProcess, seedOverHttp, type SeedResult } from './seed.ts';
import { createSchema, randomSecretKey, startApiServer, startLeanServer, type PgSchema, type RunningServer } from './servers.ts';

export type DialectName = 'sqlite' | 'postgres';

export interface SuiteOptions {
  readonly processes: number;
  readonly settings: RunSettings;
  /** PostgreSQL server to create the schemas in (postgres only). */
  readonly postgresUrl: string;
  /** Seed through the running server's HTTP API instead of in-process (slower; for comparison). */
  readonly seedOverHttp: boolean;
  /** Run ANALYZE on SQLite after seeding (the server itself never does; PostgreSQL's autovacuum does). */
  readonly sqliteAnalyze: boolean;
  readonly log: (line: string) => void;
}

export interface SuiteResult {
  readonly dialect: DialectName;
  readonly processes: number;
  readonly seed: { readonly method: 'in-process' | 'http'; readonly seconds: number; readonly perSecond: number };
  /** How many seeded processes each list filter matches (limit 100 pages of them are read). */
  readonly matches: { readonly equality: { where: unknown; total: number }; readonly range: { where: unknown; sort: unknown; total: number } };
  readonly measurements: Measurement[];
  /** Derived attributes that were stored as null (see integrity.ts), after seeding and at the end. */
  readonly derivedCheck: { readonly afterSeeding: DerivedCheck; readonly atEnd: DerivedCheck };
}

// Fixed seeds: every run (and both databases) holds the same leads and sends the same bodies.
const SEED_DATA = 1;
const SEED_CREATES = 2;
const LIST_LIMIT = 100;

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];

/** The API workloads and the baselines they are compared with, in the order they run. */
function workloads(token: string, processIds: readonly string[], leanIds: readonly string[], processes: number): Workload[] {
  const base = `/v1/ext/procedure/${PROCEDURE}/process`;
  // Creates continue the seeded numbering so their phone numbers stay distinct.
  const createBodies = leadGenerator(SEED_CREATES);
  let created = processes;
  const leanBodies = leadGenerator(SEED_CREATES);
  let leanCreated = processes;
  const listEquality = JSON.stringify({ where: EQUALITY_FILTER, limit: LIST_LIMIT });
  const listRange = JSON.stringify({ where: RANGE_FILTER, sort: RANGE_SORT, limit: LIST_LIMIT });
  // Reads first, writes last: the lists then see exactly the seeded processes.
  return [
    { name: 'bare', method: 'GET', next: () => ({ path: '/bare' }) },
    { name: 'lean select', method: 'GET', next: () => ({ path: `/lean-select/${pick(leanIds)}` }) },
    { name: 'fetch', method: 'GET', token, next: () => ({ path: `${base}/${pick(processIds)}` }) },
    { name: 'list equality', method: 'POST', token, next: () => ({ path: `${base}/list`, body: listEquality }) },
    { name: 'list range+sort', method: 'POST', token, next: () => ({ path: `${base}/list`, body: listRange }) },
    { name: 'lean insert', method: 'POST', next: () => ({ path: '/lean-insert', body: JSON.stringify(leanBodies(leanCreated++)) }) },
    { name: 'lean insert, grouped', method: 'POST', next: () => ({ path: '/lean-insert-grouped', body: JSON.stringify(leanBodies(leanCreated++)) }) },
    { name: 'create', method: 'POST', token, next: () => ({ path: base, body: JSON.stringify(createBodies(created++)) }) },
  ];
}

/** Which server a workload goes to. */
const LEAN_WORKLOADS = new Set(['bare', 'lean select', 'lean insert', 'lean insert, grouped']);

async function apiCall(url: string, token: string, method: string, pathname: string, body?: unknown): Promise<{ status: number; text: string; json: any }> {
  const response = await fetch(url + pathname, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${method} ${pathname}: ${response.status} ${text.slice(0, 300)}`);
  return { status: response.status, text, json: JSON.parse(text) };
}

async function countMatches(url: string, token: string, body: Record<string, unknown>): Promise<number> {
  const { json } = await apiCall(url, token, 'POST', `/v1/ext/procedure/${PROCEDURE}/process/list`, { ...body, limit: 1, includeTotal: true });
  return Number(json._meta.total);
}

/** Where each server keeps its data: a fresh directory, plus fresh schemas on PostgreSQL. */
export interface Storage {
  readonly dataDir: string;
  readonly apiTarget: DatabaseTarget;
  readonly apiEnv: Record<string, string>;
  readonly leanTarget: DatabaseTarget;
  readonly leanEnv: Record<string, string>;
  cleanup(): Promise<void>;
}

export async function prepareStorage(dialect: DialectName, postgresUrl: string): Promise<Storage> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `chakra-bench-${dialect}-`));
  const removeDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
  if (dialect === 'sqlite') {
    const leanFile = path.join(dataDir, 'lean.db');
    return {
      dataDir, apiTarget: { kind: 'sqlite', file: path.join(dataDir, 'chakra.db') }, apiEnv: { DATA_DIR: dataDir }, leanTarget: { kind: 'sqlite', file: leanFile }, leanEnv: { LEAN_SQLITE_FILE: leanFile },
      cleanup: async () => removeDir(),
    };
  }
  const schemas: PgSchema[] = [await createSchema(postgresUrl, 'bench_api'), await createSchema(postgresUrl, 'bench_lean')];
  const [api, lean] = schemas;
  return {
    dataDir,
    apiTarget: { kind: 'postgres', url: api.url },
    apiEnv: { DATA_DIR: dataDir, DATABASE_URL: api.url, CHAKRA_SECRET_KEY: randomSecretKey() },
    leanTarget: { kind: 'postgres', url: lean.url },
    leanEnv: { LEAN_DATABASE_URL: lean.url },
    cleanup: async () => {
      for (const schema of schemas) await schema.drop();
      removeDir();
    },
  };
}

/** Seeds one database, starts both servers on it and measures every workload. */
export async function runSuite(dialect: DialectName, options: SuiteOptions): Promise<SuiteResult> {
  const { log, processes, settings } = options;
  const storage = await prepareStorage(dialect, options.postgresUrl);
  const servers: RunningServer[] = [];
  try {
    const token = await prepareTeam(storage.apiEnv);
    log(`${dialect}: seeding ${processes} processes ${options.seedOverHttp ? 'over HTTP' : 'in-process'}…`);
    let api: RunningServer | undefined;
    let seeded: SeedResult;
    if (options.seedOverHttp) {
      api = await startApiServer(storage.apiEnv);
      servers.push(api);
      seeded = await seedOverHttp(api.url, token, processes, SEED_DATA);
    } else {
      seeded = await seedInProcess(storage.apiEnv, token, processes, SEED_DATA);
    }
    log(`${dialect}: seeded in ${seeded.seconds.toFixed(1)} s (${Math.round(processes / seeded.seconds)}/s); seeding the lean table…`);
    // Before the server opens its connection: SQLite loads statistics when a connection opens.
    if (dialect === 'sqlite' && options.sqliteAnalyze) await analyzeSqlite(storage.apiTarget);
    if (!api) {
      api = await startApiServer(storage.apiEnv);
      servers.push(api);
    }
    const afterSeeding = await checkDerived(storage.apiTarget);
    const leanBodies = leadGenerator(SEED_DATA);
    const leanIds = await seedLeanTable(storage.leanTarget, Array.from({ length: processes }, (_, i) => leanBodies(i)));

    // /bare answers with a real process response, byte for byte.
    const sample = await apiCall(api.url, token, 'GET', `/v1/ext/procedure/${PROCEDURE}/process/${seeded.ids[0]}`);
    const lean = await startLeanServer({ ...storage.leanEnv, BARE_BODY: sample.text });
    servers.push(lean);
    const matches = {
      equality: { where: EQUALITY_FILTER, total: await countMatches(api.url, token, { where: EQUALITY_FILTER }) },
      range: { where: RANGE_FILTER, sort: RANGE_SORT, total: await countMatches(api.url, token, { where: RANGE_FILTER }) },
    };
    log(`${dialect}: equality filter matches ${matches.equality.total}, range filter ${matches.range.total}`);

    const measurements: Measurement[] = [];
    for (const workload of workloads(token, seeded.ids, leanIds, processes)) {
      const server = LEAN_WORKLOADS.has(workload.name) ? lean : api;
      const result = await measure(server.url, workload, settings, server.pid);
      log(`${dialect}: ${workload.name.padEnd(16)} ${String(result.reqPerSec).padStart(6)} req/s  p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms  server CPU ${result.serverCpuMsPerRequest ?? '?'} ms/req${result.non2xx + result.errors > 0 ? `  FAILURES ${result.non2xx + result.errors}: ${result.firstFailure ?? ''}` : ''}`);
      measurements.push(result);
    }
    const atEnd = await checkDerived(storage.apiTarget);
    log(`${dialect}: derived full_name missing on ${afterSeeding.missingFullName} seeded and ${atEnd.missingFullName} of all ${atEnd.processes} processes`);
    const seed = { method: options.seedOverHttp ? 'http' as const : 'in-process' as const, seconds: round1(seeded.seconds), perSecond: Math.round(processes / seeded.seconds) };
    return { dialect, processes, seed, matches, measurements, derivedCheck: { afterSeeding, atEnd } };
  } finally {
    for (const server of servers.reverse()) await server.stop();
    await storage.cleanup();
  }
}

async function analyzeSqlite(target: DatabaseTarget): Promise<void> {
  const db = openDatabase(target);
  try {
    await sql`analyze`.execute(db.kysely);
  } finally {
    await db.close();
  }
}

const round1 = (value: number): number => Math.round(value * 10) / 10;
