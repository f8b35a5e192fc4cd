import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import pg from 'pg';

/**
 * Three candidate layouts for process storage, built with raw SQL on SQLite and PostgreSQL and
 * measured on one procedure (`proc0`) while the database holds either nothing else (scenario A)
 * or 200 more procedures with 1,000 processes each (scenario B):
 *
 *   shared         today's layout: one `processes` table, root indexes led by procedure_id, and
 *                  one partial expression index per attribute per procedure on that table.
 *   per-procedure  one table per procedure with its own root and attribute indexes, plus a
 *                  narrow `process_registry` (id → team, procedure) every create also writes.
 *   pivot          the shared table with root indexes only, plus `process_values` holding one
 *                  row per indexable attribute value under a fixed pair of indexes.
 *
 * The question is whether a create in one procedure stays as cheap when other procedures exist,
 * and what each layout costs reads. Nothing here uses the server's code: the SQL shapes (index
 * expressions, partial predicates, list query) are copied from the migrations, the dialects and
 * the process-indexes repository so the server's own planner inputs are reproduced.
 *
 * Run: npx node bench/storage-candidates.ts [--quick]   (--quick: every size 10× smaller)
 * PostgreSQL: STORAGE_BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/test.
 */

const QUICK = process.argv.includes('--quick');
const SCALE = QUICK ? 10 : 1;
const PG_URL = process.env.STORAGE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const SIZES = {
  /** proc0's processes before anything is measured. */
  seedRows: 20_000 / SCALE,
  /** Scenario B: further procedures (40 teams × 5 at full size) and processes in each. */
  otherProcedures: 200 / SCALE,
  proceduresPerTeam: 5,
  rowsPerOtherProcedure: 1_000,
  /** Single creates stop at whichever comes first (the row cap applies to SQLite only). */
  singleSeconds: 3 / SCALE,
  singleRowCapSqlite: 2_000 / SCALE,
  pgWriters: 10,
  bulkRows: 20_000 / SCALE,
  fetches: 2_000 / SCALE,
  listRuns: 500 / SCALE,
  /** A list form that reads thousands of index entries per run stops early: its p50 says enough. */
  listSeconds: 20 / SCALE,
};

/** Rows per INSERT statement and per bulk transaction, as the bulk job writes them. */
const ROWS_PER_STATEMENT = 500;
/** Bind parameters per statement: below SQLite's 32,766 and PostgreSQL's 65,535. */
const MAX_PARAMS = 30_000;
/** Seeding proc0 only prepares the measurement, so it may use bigger transactions. */
const SEED_ROWS_PER_TRANSACTION = 5_000;
const LIST_LIMIT = 50;
const LIST_WARMUP_RUNS = 5;

// ---------------------------------------------------------------------------------------------
// The workload: procedures shaped like a lead, with 11 indexable attributes.
// ---------------------------------------------------------------------------------------------

type Kind = 'number' | 'text' | 'boolean';
type AttributeValue = string | number | boolean;
type Random = () => number;

interface Procedure {
  readonly id: string;
  readonly teamId: string;
}

interface Attribute {
  readonly key: string;
  readonly kind: Kind;
  readonly make: (random: Random, sequence: number) => AttributeValue;
}

const pick = <T>(random: Random, values: readonly T[]): T => values[Math.floor(random() * values.length)];
const integer = (random: Random, min: number, max: number): number => min + Math.floor(random() * (max - min + 1));

const FIRST_NAMES = ['Asha', 'Ravi', 'Meera', 'Arjun', 'Priya', 'Kiran', 'Neha', 'Vikram', 'Anita', 'Rahul', 'Sunita', 'Deepak'];
const LAST_NAMES = ['Sharma', 'Patel', 'Iyer', 'Reddy', 'Nair', 'Gupta', 'Singh', 'Das', 'Menon', 'Joshi'];
const CITIES = ['Goa', 'Pune', 'Delhi', 'Mumbai', 'Chennai'];
const SOURCES = ['web', 'referral', 'ads', 'walk-in', 'partner'];
const YEAR_MS = 365 * 24 * 3600 * 1000;
const EPOCH = Date.UTC(2025, 0, 1);

/** Every attribute is scalar and comparable, so every one gets an index in the server today. */
const ATTRIBUTES: readonly Attribute[] = [
  { key: 'lead_id', kind: 'text', make: (_, n) => `LEAD-${String(n).padStart(6, '0')}` },
  { key: 'first_name', kind: 'text', make: (r) => pick(r, FIRST_NAMES) },
  { key: 'last_name', kind: 'text', make: (r) => pick(r, LAST_NAMES) },
  { key: 'phone', kind: 'text', make: (r) => `+91${integer(r, 6_000_000_000, 9_999_999_999)}` },
  { key: 'score', kind: 'number', make: (r) => integer(r, 0, 9) },
  { key: 'city', kind: 'text', make: (r) => pick(r, CITIES) },
  { key: 'amount', kind: 'number', make: (r) => Math.round(r() * 10_000_000) / 100 },
  { key: 'created_on', kind: 'number', make: (r) => EPOCH + Math.floor(r() * YEAR_MS) },
  { key: 'rating', kind: 'number', make: (r) => integer(r, 1, 5) },
  { key: 'source', kind: 'text', make: (r) => pick(r, SOURCES) },
  { key: 'active', kind: 'boolean', make: (r) => r() < 0.5 },
];

/** The processes table's columns (migrations 0003 and 0005), in order. */
const COLUMNS = [
  'id', 'team_id', 'procedure_id', 'entity_id', 'record_id', 'created_by', 'assigned_to', 'belongs_to', 'status', 'state_id',
  'next_action_at', 'completed_at', 'data', 'derived_data', 'pk_value', 'is_deleted', 'deleted_at', 'created_at', 'updated_at',
] as const;

interface GeneratedProcess {
  readonly id: string;
  readonly createdAt: number;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  /** Values in COLUMNS order, JSON columns as JSON text. */
  readonly row: readonly unknown[];
}

/** Deterministic, so A and B (and every candidate) seed proc0 with the very same values. */
function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Time-ordered ids shaped like the server's (UUIDv7: milliseconds first, then a counter), so
 * primary-key inserts land at the right edge of the B-tree as they do in production.
 */
function idGenerator(random: Random): () => string {
  let lastMs = 0;
  let counter = 0;
  const hex = (value: number, digits: number) => Math.floor(value).toString(16).padStart(digits, '0');
  return () => {
    const now = Date.now();
    if (now > lastMs) [lastMs, counter] = [now, 0];
    else if (++counter > 0xfff) [lastMs, counter] = [lastMs + 1, 0];
    const ms = hex(lastMs, 12);
    return `${ms.slice(0, 8)}-${ms.slice(8)}-7${hex(counter, 3)}-${hex(0x8000 + random() * 0x3fff, 4)}-${hex(random() * 2 ** 24, 6)}${hex(random() * 2 ** 24, 6)}`;
  };
}

const USERS = ['u1', 'u2', 'u3', 'u4', 'u5'];
const STATES = ['s-new', 's-contacted', 's-qualified', 's-won'];
const STATUSES = ['open', 'in_progress', 'closed'];

/** Makes the processes of one procedure, numbering its primary-key values LEAD-000001 on. */
function processFactory(procedure: Procedure, seed: number): () => GeneratedProcess {
  const random = mulberry32(seed);
  const newId = idGenerator(random);
  let sequence = 0;
  return () => {
    sequence += 1;
    const attributes: Record<string, AttributeValue> = {};
    for (const a of ATTRIBUTES) attributes[a.key] = a.make(random, sequence);
    const id = newId();
    const createdAt = Date.now();
    const nextActionAt = random() < 0.5 ? 0 : createdAt + integer(random, 1, 30) * 86_400_000;
    const row = [
      id, procedure.teamId, procedure.id, null, null, pick(random, USERS), pick(random, USERS), null, pick(random, STATUSES), pick(random, STATES),
      nextActionAt, 0, JSON.stringify(attributes), '{}', attributes.lead_id, 0, null, createdAt, createdAt,
    ];
    return { id, createdAt, attributes, row };
  };
}

const PROC0: Procedure = { id: 'proc0', teamId: 't000' };

/** Scenario B's other procedures: `proceduresPerTeam` per team, ids p001… and teams t001…. */
function otherProcedures(): Procedure[] {
  return Array.from({ length: SIZES.otherProcedures }, (_, i) => ({
    id: `p${String(i + 1).padStart(3, '0')}`,
    teamId: `t${String(Math.floor(i / SIZES.proceduresPerTeam) + 1).padStart(3, '0')}`,
  }));
}

// ---------------------------------------------------------------------------------------------
// What differs between the two databases' SQL.
// ---------------------------------------------------------------------------------------------

interface SqlShapes {
  readonly name: 'sqlite' | 'postgres';
  readonly jsonType: string;
  readonly numType: string;
  /** The pivot's text column orders byte-wise on both, as the server's text expressions do. */
  readonly textType: string;
  /** PostgreSQL sorts nulls last by default; absent values must come first as on SQLite. */
  readonly nullsFirst: string;
  /** The attribute's value as every query and index of the server spells it (dialect jsonValue). */
  jsonValue(key: string, kind: Kind): string;
  placeholder(n: number): string;
}

const SQLITE_SHAPES: SqlShapes = {
  name: 'sqlite',
  jsonType: 'text',
  numType: 'real',
  textType: 'text',
  nullsFirst: '',
  jsonValue: (key) => `json_extract(data, '$.${key}')`,
  placeholder: () => '?',
};

const PG_CAST: Record<Kind, { jsonb: string; sql: string }> = {
  number: { jsonb: 'number', sql: 'numeric' },
  text: { jsonb: 'string', sql: 'text' },
  boolean: { jsonb: 'boolean', sql: 'boolean' },
};

const POSTGRES_SHAPES: SqlShapes = {
  name: 'postgres',
  jsonType: 'jsonb',
  numType: 'numeric',
  textType: 'text collate "C"',
  nullsFirst: 'nulls first',
  jsonValue: (key, kind) => kind === 'text'
    ? `(case when jsonb_typeof(data->'${key}') = 'string' then (data->>'${key}') collate "C" end)`
    : `(case when jsonb_typeof(data->'${key}') = '${PG_CAST[kind].jsonb}' then (data->>'${key}')::${PG_CAST[kind].sql} end)`,
  placeholder: (n) => `$${n}`,
};

// ---------------------------------------------------------------------------------------------
// Engines: one connection (SQLite) or a pool (PostgreSQL) behind the same small interface.
// ---------------------------------------------------------------------------------------------

type Row = Record<string, unknown>;

interface Runner {
  run(sql: string, params?: readonly unknown[]): Promise<void>;
  all(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

interface Engine extends Runner {
  readonly shapes: SqlShapes;
  /** Concurrent writers for single creates: SQLite has one writer, the server's pool has 10. */
  readonly writers: number;
  readonly singleRowCap: number;
  exec(ddl: string): Promise<void>;
  transaction(work: (tx: Runner) => Promise<void>): Promise<void>;
  /** Fresh statistics (and on PostgreSQL a vacuumed visibility map), as after the server's refresh. */
  analyze(tables: readonly string[]): Promise<void>;
  /** The query plan, one line per node. */
  plan(sql: string): Promise<string[]>;
  /** PostgreSQL's planning time for one run (null on SQLite, which reports none). */
  planningMs(sql: string, params?: readonly unknown[]): Promise<number | null>;
  close(): Promise<void>;
}

/** A temp file with the server's settings; statements are prepared once, as the server caches them. */
function openSqlite(): Engine {
  const dir = mkdtempSync(join(tmpdir(), 'storage-candidates-'));
  const db = new DatabaseSync(join(dir, 'bench.db'));
  db.exec('pragma journal_mode = wal; pragma synchronous = full; pragma cache_size = -65536');
  const statements = new Map<string, StatementSync>();
  const prepared = (sql: string): StatementSync => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    return statement;
  };
  const runner: Runner = {
    run: async (sql, params = []) => {
      prepared(sql).run(...(params as SQLInputValue[]));
    },
    all: async (sql, params = []) => prepared(sql).all(...(params as SQLInputValue[])) as Row[],
  };
  return {
    ...runner,
    shapes: SQLITE_SHAPES,
    writers: 1,
    singleRowCap: SIZES.singleRowCapSqlite,
    exec: async (ddl) => db.exec(ddl),
    transaction: async (work) => {
      db.exec('begin immediate');
      try {
        await work(runner);
        db.exec('commit');
      } catch (error) {
        db.exec('rollback');
        throw error;
      }
    },
    analyze: async (tables) => db.exec(tables.map((t) => `analyze ${t};`).join(' ')),
    plan: async (sql) => (db.prepare(`explain query plan ${sql}`).all() as { detail: string }[]).map((r) => r.detail),
    planningMs: async () => null,
    close: async () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh schema per case, reached through search_path, and dropped when the case ends. */
async function openPostgres(): Promise<Engine> {
  const schema = `storage_candidates_${process.pid}_${Date.now()}`;
  await withAdmin((c) => c.query(`create schema ${schema}`));
  const pool = new pg.Pool({ connectionString: PG_URL, max: SIZES.pgWriters, options: `-c search_path=${schema}` });
  const on = (client: pg.Pool | pg.PoolClient): Runner => ({
    run: async (sql, params = []) => {
      await client.query(sql, params as unknown[]);
    },
    all: async (sql, params = []) => (await client.query(sql, params as unknown[])).rows as Row[],
  });
  return {
    ...on(pool),
    shapes: POSTGRES_SHAPES,
    writers: SIZES.pgWriters,
    singleRowCap: Number.POSITIVE_INFINITY,
    exec: async (ddl) => {
      await pool.query(ddl);
    },
    transaction: async (work) => {
      const client = await pool.connect();
      try {
        await client.query('begin');
        await work(on(client));
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    analyze: async (tables) => {
      await pool.query(`vacuum analyze ${tables.join(', ')}`);
    },
    plan: async (sql) => (await pool.query(`explain (costs off) ${sql}`)).rows.map((r: Row) => String(r['QUERY PLAN'])),
    // The planner opens and weighs every index of the table, so planning grows with their number.
    planningMs: async (sql, params = []) => {
      // summary without analyze: the planning time, without running the query.
      const { rows } = await pool.query(`explain (summary, costs off) ${sql}`, params as unknown[]);
      const line = rows.map((r: Row) => String(r['QUERY PLAN'])).find((l) => l.startsWith('Planning Time'));
      return line ? Number(/([\d.]+) ms/.exec(line)?.[1]) : null;
    },
    close: async () => {
      await pool.end();
      await withAdmin((c) => c.query(`drop schema ${schema} cascade`));
    },
  };
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// SQL building blocks shared by the layouts.
// ---------------------------------------------------------------------------------------------

const insertSqlCache = new Map<string, string>();

function insertSql(s: SqlShapes, table: string, columns: readonly string[], rowCount: number): string {
  const key = `${s.name}|${table}|${columns.length}|${rowCount}`;
  let sql = insertSqlCache.get(key);
  if (!sql) {
    let n = 0;
    const tuple = () => `(${columns.map(() => s.placeholder(++n)).join(', ')})`;
    sql = `insert into ${table} (${columns.join(', ')}) values ${Array.from({ length: rowCount }, tuple).join(', ')}`;
    insertSqlCache.set(key, sql);
  }
  return sql;
}

/** Multi-row INSERTs of at most `maxRows` rows, and never more bind parameters than both allow. */
async function insertRows(tx: Runner, s: SqlShapes, table: string, columns: readonly string[], rows: readonly (readonly unknown[])[], maxRows = ROWS_PER_STATEMENT): Promise<void> {
  const perStatement = Math.max(1, Math.min(maxRows, Math.floor(MAX_PARAMS / columns.length)));
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    await tx.run(insertSql(s, table, columns, chunk.length), chunk.flat());
  }
}

function createProcessesTable(s: SqlShapes, table: string, withProcedureId: boolean): string {
  const columns = [
    'id text primary key', 'team_id text not null', ...(withProcedureId ? ['procedure_id text not null'] : []),
    'entity_id text', 'record_id text', 'created_by text', 'assigned_to text', 'belongs_to text', 'status text not null', 'state_id text',
    'next_action_at bigint not null default 0', 'completed_at bigint not null default 0',
    `data ${s.jsonType} not null`, `derived_data ${s.jsonType} not null`, 'pk_value text',
    'is_deleted integer not null default 0', 'deleted_at bigint', 'created_at bigint not null', 'updated_at bigint not null',
  ];
  return `create table ${table} (${columns.join(', ')})`;
}

/**
 * The root indexes left after migration 0005, all partial on live rows. `prefix` is
 * ['procedure_id'] on a shared table and [] on a procedure's own table.
 */
function rootIndexes(table: string, prefix: readonly string[]): string[] {
  const lead = (...columns: string[]) => [...prefix, ...columns].join(', ');
  const byColumns: [string, string][] = [
    ['created', lead('created_at', 'id')],
    ['state', lead('state_id', 'created_at', 'id')],
    ['status', lead('status', 'created_at', 'id')],
    ['assigned', lead('assigned_to', 'created_at', 'id')],
    ['creator', lead('created_by', 'created_at', 'id')],
    ['next_action', lead('next_action_at', 'id')],
  ];
  return [
    `create unique index ${table}_pk on ${table} (${lead('pk_value')}) where is_deleted = 0 and pk_value is not null`,
    ...byColumns.map(([name, columns]) => `create index ${table}_${name} on ${table} (${columns}) where is_deleted = 0`),
  ];
}

/** One attribute's expression index, shaped as process-indexes.repo.ts creates it. */
function attributeIndex(s: SqlShapes, name: string, table: string, a: Attribute, predicate: string): string {
  return `create index ${name} on ${table} (${s.jsonValue(a.key, a.kind)} ${s.nullsFirst}, created_at, id) where ${predicate}`;
}

/** The measured list filter, city = 'Goa' and score >= 3, on the row's JSON as the server writes it. */
const listFilter = (s: SqlShapes): string => `${s.jsonValue('city', 'text')} = 'Goa' and ${s.jsonValue('score', 'number')} >= 3`;
const LIST_ORDER = `order by created_at desc, id desc limit ${LIST_LIMIT}`;

// ---------------------------------------------------------------------------------------------
// The candidates.
// ---------------------------------------------------------------------------------------------

interface ListQuery {
  readonly name: string;
  readonly sql: string;
}

interface Layout {
  readonly name: string;
  /** Names the attribute indexes, to tell from a plan whether one of them is used. */
  readonly attributeIndexPattern: RegExp;
  baseDdl(s: SqlShapes): string[];
  procedureDdl(s: SqlShapes, p: Procedure): string[];
  insert(tx: Runner, s: SqlShapes, p: Procedure, processes: readonly GeneratedProcess[]): Promise<void>;
  /** The full row by id, procedure known (process routes carry it); params: [team, id]. */
  fetchSql(s: SqlShapes, p: Procedure): string;
  /** The first query is the one reported in the main table; any others are alternatives. */
  listQueries(s: SqlShapes, p: Procedure): ListQuery[];
  statsTables(p: Procedure): string[];
}

const fetchFrom = (s: SqlShapes, table: string, procedureTerm: string) =>
  `select * from ${table} where team_id = ${s.placeholder(1)}${procedureTerm} and id = ${s.placeholder(2)} and is_deleted = 0`;

const shared: Layout = {
  name: 'shared',
  attributeIndexPattern: /\bpa_\w+/,
  baseDdl: (s) => [createProcessesTable(s, 'processes', true), ...rootIndexes('processes', ['procedure_id'])],
  // Every procedure adds partial indexes to the one table: each write to any procedure then
  // evaluates all of their predicates.
  procedureDdl: (s, p) => ATTRIBUTES.map((a) =>
    attributeIndex(s, `pa_${p.id}_${a.key}`, 'processes', a, `procedure_id = '${p.id}' and is_deleted = 0`)),
  insert: (tx, s, _p, processes) => insertRows(tx, s, 'processes', COLUMNS, processes.map((x) => x.row)),
  fetchSql: (s, p) => fetchFrom(s, 'processes', ` and procedure_id = '${p.id}'`),
  // procedure_id and is_deleted as literals: the partial indexes only match literal terms.
  listQueries: (s, p) => [{
    name: 'json filter',
    sql: `select * from processes where team_id = '${p.teamId}' and procedure_id = '${p.id}' and is_deleted = 0 and ${listFilter(s)} ${LIST_ORDER}`,
  }],
  statsTables: () => ['processes'],
};

const ownTable = (p: Procedure) => `pt_${p.id}`;
const OWN_COLUMNS = COLUMNS.filter((c) => c !== 'procedure_id');
const PROCEDURE_ID_POSITION = COLUMNS.indexOf('procedure_id');

const perProcedure: Layout = {
  name: 'per-procedure',
  attributeIndexPattern: /\w+_attr_\w+/,
  // Lookups by id alone (foreign keys, webhooks, tasks) need to find a process's table.
  baseDdl: () => ['create table process_registry (id text primary key, team_id text not null, procedure_id text not null)'],
  procedureDdl: (s, p) => [
    createProcessesTable(s, ownTable(p), false),
    ...rootIndexes(ownTable(p), []),
    ...ATTRIBUTES.map((a) => attributeIndex(s, `${ownTable(p)}_attr_${a.key}`, ownTable(p), a, 'is_deleted = 0')),
  ],
  insert: async (tx, s, p, processes) => {
    await insertRows(tx, s, ownTable(p), OWN_COLUMNS, processes.map((x) => x.row.filter((_, i) => i !== PROCEDURE_ID_POSITION)));
    await insertRows(tx, s, 'process_registry', ['id', 'team_id', 'procedure_id'], processes.map((x) => [x.id, p.teamId, p.id]));
  },
  fetchSql: (s, p) => fetchFrom(s, ownTable(p), ''),
  listQueries: (s, p) => [{
    name: 'json filter',
    sql: `select * from ${ownTable(p)} where team_id = '${p.teamId}' and is_deleted = 0 and ${listFilter(s)} ${LIST_ORDER}`,
  }],
  statsTables: (p) => [ownTable(p), 'process_registry'],
};

const VALUE_COLUMNS = ['procedure_id', 'attribute_id', 'num_value', 'text_value', 'created_at', 'process_id'] as const;

/** One value row per attribute; booleans as 0/1 numbers, as json_extract reads them. */
function valueRows(p: Procedure, x: GeneratedProcess): unknown[][] {
  return ATTRIBUTES.map((a) => {
    const v = x.attributes[a.key];
    const num = a.kind === 'text' ? null : Number(v);
    const text = a.kind === 'text' ? v : null;
    return [p.id, a.key, num, text, x.createdAt, x.id];
  });
}

/**
 * The pivot's list forms. None can look up "the score of process P": the fixed indexes lead with
 * the value, so a second condition is either a set intersection, a range scan per candidate
 * (exists), or read from the row's JSON once the first condition has found the row.
 */
function pivotListQueries(s: SqlShapes, p: Procedure): ListQuery[] {
  const scope = `p.team_id = '${p.teamId}' and p.procedure_id = '${p.id}' and p.is_deleted = 0`;
  const order = `order by p.created_at desc, p.id desc limit ${LIST_LIMIT}`;
  const city = `v.procedure_id = '${p.id}' and v.attribute_id = 'city' and v.text_value = 'Goa'`;
  const score = `v.procedure_id = '${p.id}' and v.attribute_id = 'score' and v.num_value >= 3`;
  return [
    {
      name: 'intersect',
      sql: `select p.* from processes p where ${scope} and p.id in (`
        + `select v.process_id from process_values v where ${city} intersect select v.process_id from process_values v where ${score}) ${order}`,
    },
    {
      name: 'exists',
      sql: `select p.* from processes p where ${scope}`
        + ` and exists (select 1 from process_values v where ${city} and v.created_at = p.created_at and v.process_id = p.id)`
        + ` and exists (select 1 from process_values v where ${score} and v.process_id = p.id) ${order}`,
    },
    {
      name: 'city index + json score',
      sql: `select p.* from process_values v join processes p on p.id = v.process_id where ${city} and ${scope}`
        + ` and ${s.jsonValue('score', 'number').replace(/\bdata\b/g, 'p.data')} >= 3 order by v.created_at desc, v.process_id desc limit ${LIST_LIMIT}`,
    },
  ];
}

const pivot: Layout = {
  name: 'pivot',
  attributeIndexPattern: /process_values_\w+/,
  baseDdl: (s) => [
    createProcessesTable(s, 'processes', true),
    ...rootIndexes('processes', ['procedure_id']),
    `create table process_values (procedure_id text not null, attribute_id text not null, num_value ${s.numType}, text_value ${s.textType}, created_at bigint not null, process_id text not null)`,
    'create index process_values_num on process_values (procedure_id, attribute_id, num_value, created_at, process_id)',
    'create index process_values_text on process_values (procedure_id, attribute_id, text_value, created_at, process_id)',
  ],
  // A new procedure needs no structure at all.
  procedureDdl: () => [],
  insert: async (tx, s, p, processes) => {
    await insertRows(tx, s, 'processes', COLUMNS, processes.map((x) => x.row));
    // Value rows are narrow: pack them by the parameter limit rather than 500 per statement.
    await insertRows(tx, s, 'process_values', VALUE_COLUMNS, processes.flatMap((x) => valueRows(p, x)), Number.POSITIVE_INFINITY);
  },
  fetchSql: (s, p) => fetchFrom(s, 'processes', ` and procedure_id = '${p.id}'`),
  listQueries: pivotListQueries,
  statsTables: () => ['processes', 'process_values'],
};

const LAYOUTS: readonly Layout[] = [shared, perProcedure, pivot];

// ---------------------------------------------------------------------------------------------
// Measurements.
// ---------------------------------------------------------------------------------------------

interface ListFigures {
  readonly name: string;
  readonly runs: number;
  readonly planningMs: number | null;
  readonly p50: number;
  readonly p99: number;
  readonly planLine: string;
  /** The first attribute index the plan names, or null when it uses none. */
  readonly attributeIndex: string | null;
}

interface CaseFigures {
  readonly creates: number;
  readonly createErrors: string | null;
  readonly bulk: number;
  readonly fetch: number;
  readonly fetchPlanningMs: number | null;
  readonly lists: readonly ListFigures[];
  /** Scenario B only: DDL for the other procedures, and their whole build (DDL + rows). */
  readonly ddlSeconds: number | null;
  readonly buildSeconds: number | null;
  /** 1-minute load average when the case ended: other work on the machine skews every figure. */
  readonly load: number;
}

const seconds = (since: number): number => (performance.now() - since) / 1000;

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

async function timeDdl(e: Engine, statements: readonly string[]): Promise<number> {
  const start = performance.now();
  for (const ddl of statements) await e.exec(ddl);
  return seconds(start);
}

/**
 * Scenario B. Procedures arrive one by one into a database that already holds the earlier ones'
 * processes, as they would in production: on the shared table every new partial index is built
 * by scanning every procedure's rows, so the DDL time depends on what is already stored.
 */
async function buildOtherProcedures(e: Engine, layout: Layout): Promise<{ ddlSeconds: number; buildSeconds: number }> {
  const start = performance.now();
  let ddlSeconds = 0;
  for (const [i, p] of otherProcedures().entries()) {
    ddlSeconds += await timeDdl(e, layout.procedureDdl(e.shapes, p));
    const next = processFactory(p, 1_000 + i);
    const processes = Array.from({ length: SIZES.rowsPerOtherProcedure }, next);
    await e.transaction((tx) => layout.insert(tx, e.shapes, p, processes));
  }
  return { ddlSeconds, buildSeconds: seconds(start) };
}

async function insertInTransactions(e: Engine, layout: Layout, next: () => GeneratedProcess, total: number, perTransaction: number, ids: string[]): Promise<number> {
  const start = performance.now();
  for (let done = 0; done < total; done += perTransaction) {
    const processes = Array.from({ length: Math.min(perTransaction, total - done) }, next);
    await e.transaction((tx) => layout.insert(tx, e.shapes, PROC0, processes));
    for (const x of processes) ids.push(x.id);
  }
  return total / seconds(start);
}

/** Each create is its own transaction, as one API create is; errors are counted, not fatal. */
async function measureSingleCreates(e: Engine, layout: Layout, next: () => GeneratedProcess, ids: string[]): Promise<{ rate: number; errors: string | null }> {
  const deadline = performance.now() + SIZES.singleSeconds * 1000;
  let started = 0;
  let created = 0;
  let failed = 0;
  let firstError = '';
  const worker = async () => {
    while (performance.now() < deadline && started < e.singleRowCap) {
      started += 1;
      const x = next();
      try {
        await e.transaction((tx) => layout.insert(tx, e.shapes, PROC0, [x]));
        ids.push(x.id);
        created += 1;
      } catch (error) {
        failed += 1;
        firstError ||= error instanceof Error ? error.message : String(error);
      }
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: e.writers }, worker));
  return { rate: created / seconds(start), errors: failed ? `${failed} of ${started} failed: ${firstError}` : null };
}

async function measureFetch(e: Engine, layout: Layout, ids: readonly string[]): Promise<{ rate: number; planningMs: number | null }> {
  const sql = layout.fetchSql(e.shapes, PROC0);
  const random = mulberry32(7);
  const start = performance.now();
  for (let i = 0; i < SIZES.fetches; i++) {
    const rows = await e.all(sql, [PROC0.teamId, ids[Math.floor(random() * ids.length)]]);
    if (rows.length !== 1) throw new Error(`${layout.name}: fetch by id found ${rows.length} rows`);
  }
  const rate = SIZES.fetches / seconds(start);
  return { rate, planningMs: await e.planningMs(sql, [PROC0.teamId, ids[0]]) };
}

/** The access path: SQLite's first plan line; on PostgreSQL the first scan node (line 1 is Limit). */
function accessLine(plan: readonly string[]): string {
  return (plan.find((line) => /Scan|SEARCH|SCAN/.test(line)) ?? plan[0] ?? '').trim();
}

async function measureList(e: Engine, layout: Layout, query: ListQuery): Promise<ListFigures> {
  const plan = await e.plan(query.sql);
  // Warm-up runs share the budget: one run of the slowest forms takes a minute.
  const deadline = performance.now() + SIZES.listSeconds * 1000;
  for (let i = 0; i < LIST_WARMUP_RUNS && performance.now() < deadline; i++) await e.all(query.sql);
  const planningMs = await e.planningMs(query.sql);
  const durations: number[] = [];
  let found = 0;
  // At least one timed run, then as many as the rest of the budget allows.
  do {
    const start = performance.now();
    found = (await e.all(query.sql)).length;
    durations.push(performance.now() - start);
  } while (durations.length < SIZES.listRuns && performance.now() < deadline);
  if (found !== LIST_LIMIT) throw new Error(`${layout.name}/${query.name}: list returned ${found} rows`);
  durations.sort((a, b) => a - b);
  return {
    name: query.name,
    runs: durations.length,
    planningMs,
    p50: percentile(durations, 0.5),
    p99: percentile(durations, 0.99),
    planLine: accessLine(plan),
    attributeIndex: plan.map((line) => layout.attributeIndexPattern.exec(line)?.[0]).find(Boolean) ?? null,
  };
}

/** One candidate in one scenario, on a database of its own. */
async function runCase(open: () => Promise<Engine> | Engine, layout: Layout, scenario: 'A' | 'B'): Promise<CaseFigures> {
  const e = await open();
  try {
    for (const ddl of [...layout.baseDdl(e.shapes), ...layout.procedureDdl(e.shapes, PROC0)]) await e.exec(ddl);
    const build = scenario === 'B' ? await buildOtherProcedures(e, layout) : null;
    const next = processFactory(PROC0, 42);
    const ids: string[] = [];
    await insertInTransactions(e, layout, next, SIZES.seedRows, SEED_ROWS_PER_TRANSACTION, ids);
    await e.analyze(layout.statsTables(PROC0));
    const singles = await measureSingleCreates(e, layout, next, ids);
    const bulk = await insertInTransactions(e, layout, next, SIZES.bulkRows, ROWS_PER_STATEMENT, ids);
    const fetch = await measureFetch(e, layout, ids);
    const lists: ListFigures[] = [];
    for (const query of layout.listQueries(e.shapes, PROC0)) lists.push(await measureList(e, layout, query));
    return { creates: singles.rate, createErrors: singles.errors, bulk, fetch: fetch.rate, fetchPlanningMs: fetch.planningMs, lists, ddlSeconds: build?.ddlSeconds ?? null, buildSeconds: build?.buildSeconds ?? null, load: loadavg()[0] };
  } finally {
    await e.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Report.
// ---------------------------------------------------------------------------------------------

const fmt = (value: number | null, digits = 0): string =>
  value === null || !Number.isFinite(value) ? '-' : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ratio = (b: number, a: number): string => (a > 0 ? `${fmt(b / a, 2)}×` : '-');

function printTable(headers: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

function printDatabaseReport(title: string, results: ReadonlyMap<Layout, { A: CaseFigures; B: CaseFigures }>): void {
  console.log(`\n=== ${title} ===\n`);
  const rows: string[][] = [];
  for (const [layout, { A, B }] of results) {
    const main = (f: CaseFigures) => f.lists[0];
    for (const [scenario, f] of [['A', A], ['B', B]] as const) {
      rows.push([layout.name, scenario, fmt(f.creates), fmt(f.bulk), fmt(f.fetch), fmt(main(f).p50, 2), fmt(main(f).p99, 2), fmt(f.ddlSeconds, 2), fmt(f.buildSeconds, 1)]);
    }
    rows.push([layout.name, 'B/A', ratio(B.creates, A.creates), ratio(B.bulk, A.bulk), ratio(B.fetch, A.fetch), ratio(main(B).p50, main(A).p50), ratio(main(B).p99, main(A).p99), '', '']);
  }
  printTable(['candidate', 'scen', 'creates/s', 'bulk rows/s', 'fetch req/s', 'list p50 ms', 'list p99 ms', `DDL ${SIZES.otherProcedures} procs s`, 'B build s'], rows);

  console.log('\nList plans (access path | attribute index used) and the load average at the end of each case:');
  for (const [layout, cases] of results) {
    for (const scenario of ['A', 'B'] as const) {
      for (const l of cases[scenario].lists) {
        console.log(`  ${layout.name} ${scenario} [${l.name}] p50 ${fmt(l.p50, 2)} ms, p99 ${fmt(l.p99, 2)} ms${l.runs < SIZES.listRuns ? ` (${l.runs} runs)` : ''}${l.planningMs === null ? '' : `, planning ${fmt(l.planningMs, 2)} ms`} | ${l.planLine} | ${l.attributeIndex ?? 'NO attribute index'}`);
      }
      const fetchPlanning = cases[scenario].fetchPlanningMs;
      console.log(`  ${layout.name} ${scenario} load average ${fmt(cases[scenario].load, 1)}${fetchPlanning === null ? '' : `; fetch by id planning ${fmt(fetchPlanning, 2)} ms`}`);
      const errors = cases[scenario].createErrors;
      if (errors) console.log(`  ${layout.name} ${scenario} single-create errors: ${errors}`);
    }
  }
}

async function describePostgres(): Promise<string> {
  return withAdmin(async (c) => {
    const version = (await c.query('show server_version')).rows[0].server_version;
    const settings = await c.query(`select name, setting, unit from pg_settings where name in ('shared_buffers', 'fsync', 'synchronous_commit', 'max_locks_per_transaction', 'max_connections') order by name`);
    return `PostgreSQL ${version}: ${settings.rows.map((r: Row) => `${r.name}=${r.setting}${r.unit ? ` ${r.unit}` : ''}`).join(', ')}`;
  });
}

async function runDatabase(open: () => Promise<Engine> | Engine): Promise<Map<Layout, { A: CaseFigures; B: CaseFigures }>> {
  const results = new Map<Layout, { A: CaseFigures; B: CaseFigures }>();
  for (const layout of LAYOUTS) {
    const figures: Partial<Record<'A' | 'B', CaseFigures>> = {};
    for (const scenario of ['A', 'B'] as const) {
      const start = performance.now();
      figures[scenario] = await runCase(open, layout, scenario);
      console.error(`  ${layout.name} ${scenario} done in ${fmt(seconds(start), 1)} s`);
    }
    results.set(layout, figures as { A: CaseFigures; B: CaseFigures });
  }
  return results;
}

async function main(): Promise<void> {
  const sqliteVersion = (() => {
    const db = new DatabaseSync(':memory:');
    const version = (db.prepare('select sqlite_version() as v').get() as { v: string }).v;
    db.close();
    return version;
  })();
  console.log(`storage candidates${QUICK ? ' (--quick: sizes ÷10)' : ''}: proc0 seeded with ${fmt(SIZES.seedRows)} processes; `
    + `scenario B adds ${SIZES.otherProcedures} procedures × ${fmt(SIZES.rowsPerOtherProcedure)} processes; ${ATTRIBUTES.length} indexed attributes per procedure.`);
  console.log(`single creates: ${fmt(SIZES.singleSeconds, 1)} s (SQLite: 1 writer, at most ${fmt(SIZES.singleRowCapSqlite)} rows; PostgreSQL: ${SIZES.pgWriters} clients); `
    + `bulk: ${fmt(SIZES.bulkRows)} rows, ${ROWS_PER_STATEMENT} per statement and transaction; fetch: ${fmt(SIZES.fetches)} by id; list: ${SIZES.listRuns} runs or ${fmt(SIZES.listSeconds, 1)} s.`);
  console.log(`Node ${process.version}; SQLite ${sqliteVersion} (WAL, synchronous=FULL, cache_size=-65536); ${await describePostgres()}`);

  console.error('SQLite…');
  printDatabaseReport('SQLite', await runDatabase(openSqlite));
  console.error('PostgreSQL…');
  printDatabaseReport('PostgreSQL', await runDatabase(openPostgres));
}

await main();
