import { DatabaseSync } from 'node:sqlite';
import { sql } from 'kysely';
import { openDatabase, type DatabaseTarget, type Db } from '../src/db/database.ts';
import { leadTable } from './tables.ts';

/** Runs `work` on a short-lived handle of its own. */
async function withDb<T>(target: DatabaseTarget, work: (db: Db) => Promise<T>): Promise<T> {
  const db = openDatabase(target);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

/**
 * The floor of a bulk create: the very rows the server wrote to `processes`, inserted again with
 * nothing but multi-row INSERTs, through the same Db handle, driver and
 * settings (SQLite: WAL, synchronous=FULL; PostgreSQL: the same pool). No validation, keys,
 * derived attributes, history or job bookkeeping, and no foreign keys (the parents live in
 * the server's database). Measured three ways: with the primary key only, in one transaction (the
 * floor the target is set against); with the processes table's own secondary indexes copied
 * over, in one transaction; and with those indexes committing every JOB_BATCH rows as the bulk
 * job does. The last two show how much of the gap index maintenance and per-batch commits alone
 * explain.
 */

/** The processes table's columns (src/db/migrations/0003_processes.ts), in order. */
const COLUMNS = [
  'id', 'team_id', 'procedure_id', 'entity_id', 'record_id', 'created_by', 'assigned_to', 'belongs_to', 'status', 'state_id',
  'next_action_at', 'completed_at', 'data', 'derived_data', 'pk_value', 'is_deleted', 'deleted_at', 'created_at', 'updated_at',
] as const;
const JSON_COLUMNS: ReadonlySet<string> = new Set(['data', 'derived_data']);

/** Rows per INSERT statement: 500 × 19 parameters stays under both databases' limits. */
export const RAW_ROWS_PER_STATEMENT = 500;
/** Entries the bulk job applies per transaction (BATCH_SIZE of src/platform/bulk/bulk.processor.ts). */
export const JOB_BATCH = 500;

const PK_ONLY_TABLE = 'raw_processes';
const INDEXED_TABLE = 'raw_processes_indexed';
const BATCHED_TABLE = 'raw_processes_batched';

/** The server's processes rows (JSON columns as their JSON text) and its index definitions. */
export interface ProcessRowsSnapshot {
  readonly rows: unknown[][];
  readonly indexSql: string[];
}

export interface RawInsertResult {
  readonly table: string;
  readonly rows: number;
  readonly secondaryIndexes: number;
  readonly rowsPerTransaction: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
}

/**
 * Reads every live process row (oldest first) and the CREATE INDEX statements of the table. On
 * SQLite through a read-only connection of its own: opening the server's file with the server's
 * settings would run PRAGMA optimize, an ANALYZE the server itself did not ask for.
 */
export async function snapshotProcesses(target: DatabaseTarget): Promise<ProcessRowsSnapshot> {
  const table = await withDb(target, leadTable);
  const select = `select ${COLUMNS.join(', ')} from ${table} where is_deleted = 0 order by created_at, id`;
  const asText = (column: string, value: unknown) => (JSON_COLUMNS.has(column) && typeof value !== 'string' ? JSON.stringify(value) : value);
  const toRows = (rows: readonly Record<string, unknown>[]) => rows.map((row) => COLUMNS.map((c) => asText(c, row[c])));
  if (target.kind === 'sqlite') {
    const db = new DatabaseSync(target.file, { readOnly: true });
    try {
      // The primary key's automatic index has no SQL: the raw table declares its own.
      const indexes = db.prepare(`select sql from sqlite_master where type = 'index' and tbl_name = ? and sql is not null`).all(table);
      return { rows: toRows(db.prepare(select).all()), indexSql: indexes.map((r) => String(r.sql)) };
    } finally {
      db.close();
    }
  }
  const db = openDatabase(target);
  try {
    const { rows } = await sql<Record<string, unknown>>`${sql.raw(select)}`.execute(db.kysely);
    const { rows: indexes } = await sql<{ indexdef: string }>`
      select indexdef from pg_indexes where schemaname = current_schema() and tablename = ${table} and indexname <> ${`${table}_pkey`}`.execute(db.kysely);
    return { rows: toRows(rows), indexSql: indexes.map((r) => r.indexdef) };
  } finally {
    await db.close();
  }
}

/** The same index on another table, its name prefixed (two raw tables carry the same indexes). */
function onTable(indexSql: string, table: string, prefix: string): string {
  const rewritten = indexSql
    .replace(/\bon\s+(?:"?\w+"?\.)?"?proc_[0-9a-f]{32}"?(?=[\s(])/i, `on ${table}`)
    .replace(/(\bindex\s+)"?(\w+)"?/i, `$1${prefix}$2`);
  if (!rewritten.includes(`on ${table}`) || !rewritten.includes(prefix)) throw new Error(`cannot retarget index: ${indexSql}`);
  return rewritten;
}

async function createRawTable(db: Db, table: string): Promise<void> {
  const json = db.dialect.jsonColumnType;
  await sql.raw(`create table ${table} (
    id text primary key, team_id text not null, procedure_id text not null, entity_id text, record_id text, created_by text,
    assigned_to text, belongs_to text, status text not null, state_id text, next_action_at bigint not null default 0,
    completed_at bigint not null default 0, data ${json} not null, derived_data ${json} not null, pk_value text,
    is_deleted integer not null default 0, deleted_at bigint, created_at bigint not null, updated_at bigint not null)`).execute(db.kysely);
}

/** Inserts every row, RAW_ROWS_PER_STATEMENT per statement, `perTransaction` rows per transaction; only that is timed. */
async function timedInsert(db: Db, table: string, rows: readonly unknown[][], secondaryIndexes: number, perTransaction: number): Promise<RawInsertResult> {
  const columns = sql.join(COLUMNS.map((c) => sql.id(c)));
  const statementSize = Math.min(RAW_ROWS_PER_STATEMENT, perTransaction);
  const started = performance.now();
  for (let from = 0; from < rows.length; from += perTransaction) {
    const to = Math.min(rows.length, from + perTransaction);
    await db.transaction(async (tx) => {
      for (let i = from; i < to; i += statementSize) {
        const tuples = rows.slice(i, Math.min(to, i + statementSize)).map((row) => sql`(${sql.join(row)})`);
        await sql`insert into ${sql.id(table)} (${columns}) values ${sql.join(tuples)}`.execute(tx.kysely);
      }
    });
  }
  const seconds = (performance.now() - started) / 1000;
  const { rows: counted } = await sql<{ n: number | string }>`select count(*) as n from ${sql.id(table)}`.execute(db.kysely);
  if (Number(counted[0].n) !== rows.length) throw new Error(`raw insert: ${table} holds ${counted[0].n} rows, expected ${rows.length}`);
  return { table, rows: rows.length, secondaryIndexes, rowsPerTransaction: Math.min(perTransaction, rows.length), seconds: round3(seconds), rowsPerSecond: Math.round(rows.length / seconds) };
}

export interface RawFloors {
  readonly pkOnly: RawInsertResult;
  readonly withIndexes: RawInsertResult;
  readonly withIndexesBatched: RawInsertResult;
}

/** The three floors, into fresh tables of `target` (a fresh SQLite file or a fresh PostgreSQL schema). */
export async function rawInsertFloors(target: DatabaseTarget, snapshot: ProcessRowsSnapshot): Promise<RawFloors> {
  const db = openDatabase(target);
  const indexed = async (table: string, prefix: string) => {
    await createRawTable(db, table);
    for (const index of snapshot.indexSql) await sql.raw(onTable(index, table, prefix)).execute(db.kysely);
  };
  try {
    await createRawTable(db, PK_ONLY_TABLE);
    const pkOnly = await timedInsert(db, PK_ONLY_TABLE, snapshot.rows, 0, snapshot.rows.length);
    await indexed(INDEXED_TABLE, 'ri_');
    const withIndexes = await timedInsert(db, INDEXED_TABLE, snapshot.rows, snapshot.indexSql.length, snapshot.rows.length);
    await indexed(BATCHED_TABLE, 'rb_');
    const withIndexesBatched = await timedInsert(db, BATCHED_TABLE, snapshot.rows, snapshot.indexSql.length, JOB_BATCH);
    return { pkOnly, withIndexes, withIndexesBatched };
  } finally {
    await db.close();
  }
}

const round3 = (value: number): number => Math.round(value * 1000) / 1000;
