import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import {
  sql,
  CompiledQuery,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  type SqliteDatabase,
  type SqliteStatement,
} from 'kysely';
import { INLINE_LIST_MAX, jsonKey, jsonObjectArguments, rawColumn, type Dialect, type OpenedDialect } from './dialect.ts';
import { createReaderPool, readerPoolDialect } from './sqlite-readers.ts';

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely's SQLite dialect expects a better-sqlite3-like object; this wraps Node's built-in
 * `node:sqlite` (no native addon to compile) and caches prepared statements by SQL text.
 */
function adaptNodeSqlite(db: DatabaseSync): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => db.close(),
    prepare(sqlText: string): SqliteStatement {
      const cached = cache.get(sqlText);
      if (cached) return cached;
      const statement: StatementSync = db.prepare(sqlText);
      const params = (p: ReadonlyArray<unknown>) => p as SQLInputValue[];
      const adapted: SqliteStatement = {
        reader: statement.columns().length > 0,
        all: (p) => statement.all(...params(p)),
        run: (p) => statement.run(...params(p)),
        iterate: (p) => statement.iterate(...params(p)),
      };
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      cache.set(sqlText, adapted);
      return adapted;
    },
  };
}

/**
 * Write transactions start with BEGIN IMMEDIATE: they take the write lock up front and wait on
 * busy_timeout, instead of failing with SQLITE_BUSY when a read upgrades while another process
 * (a CLI command, a second worker) writes.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** SQLite does run DDL inside transactions; saying so makes migrations atomic and locked. */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class NodeSqliteDialect extends SqliteDialect {
  readonly #database: SqliteDatabase;
  constructor(database: SqliteDatabase) {
    super({ database });
    this.#database = database;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: this.#database });
  }
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

const sqliteDialect: Dialect = {
  name: 'sqlite',
  groupCommit: true,
  jsonColumnType: 'text',
  readJson: (value) => (typeof value === 'string' ? JSON.parse(value) : (value ?? null)),
  migrationSchema: async () => undefined,
  isCatalogRace: () => false,
  skipLocked: sql``,
  indexNullsFirst: sql``,
  forUpdate: sql``,
  // json_extract returns SQL numbers, text and 0/1 for JSON numbers, strings and booleans, and
  // SQLite orders any number before any text, so one expression serves every kind.
  jsonValue: (column, key) => sql`json_extract(${rawColumn(column)}, ${sql.raw(`'$.${jsonKey(key)}'`)})`,
  // json() marks the stored text as JSON, so json_object embeds it instead of quoting it.
  jsonObjectText: (fields) => sql<string>`json_object(${jsonObjectArguments(fields, (f) =>
    f.kind === 'json' ? `json("${f.column}")` : f.kind === 'flag' ? `json(iif("${f.column}" <> 0, 'true', 'false'))` : `"${f.column}"`)})`,
  jsonIsAbsent: (column, key) => sql<boolean>`json_type(${rawColumn(column)}, ${sql.raw(`'$.${jsonKey(key)}'`)}) is null`,
  // node:sqlite binds no booleans, and json_extract reads JSON booleans as 1/0.
  booleanParam: (value) => (value ? 1 : 0),
  jsonArrayContainsAny: (column, key, values) => {
    const list = values.map((v) => (typeof v === 'boolean' ? Number(v) : v));
    const within = list.length <= INLINE_LIST_MAX ? sql`(${sql.join(list.map((v) => sql`${v}`))})` : sql`(select value from json_each(${JSON.stringify(list)}))`;
    return sql<boolean>`exists (select 1 from json_each(${rawColumn(column)}, ${sql.raw(`'$.${jsonKey(key)}'`)}) where value in ${within})`;
  },
  jsonArrayContains: (column, key, value) =>
    sql<boolean>`exists (select 1 from json_each(${rawColumn(column)}, ${sql.raw(`'$.${jsonKey(key)}'`)}) where value = ${typeof value === 'boolean' ? Number(value) : value})`,
  takeSequence: async (db, { teamId, attributeId }, count) => {
    const { rows } = await sql<{ value: number }>`
      insert into sequences (attribute_id, team_id, value) values (${attributeId}, ${teamId}, ${count})
      on conflict (attribute_id) do update set value = sequences.value + ${count}
      returning value`.execute(db);
    const last = Number(rows[0].value);
    return Array.from({ length: count }, (_, i) => last - count + 1 + i);
  },
  ensureSequence: async () => undefined,
  dropSequence: async (db, attributeId) => {
    await sql`delete from sequences where attribute_id = ${attributeId}`.execute(db);
  },
  // Analyzes only what changed enough to matter (cheap when nothing did).
  refreshStatistics: async (db) => {
    await sql`pragma optimize`.execute(db);
  },
  // SQLite's own recipe for changing a table's constraints: a new table from the old definition
  // without the clause, the rows copied, the old table dropped, the new one renamed, its indexes
  // made again. Inside the migration's transaction, so it happens whole or not at all.
  dropForeignKeysTo: async (db, table, referenced) => {
    const { rows } = await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = ${table}`.execute(db);
    const definition = rows[0]?.sql;
    if (!definition) throw new Error(`no table ${table}`);
    const clause = new RegExp(`\\s+references\\s+"?${referenced}"?\\s*\\("?id"?\\)`, 'gi');
    const rebuilt = `${table}__rebuilt`;
    const create = definition.replace(clause, '').replace(/^CREATE TABLE\s+"?[A-Za-z0-9_]+"?/i, `CREATE TABLE "${rebuilt}"`);
    const { rows: indexes } = await sql<{ sql: string }>`select sql from sqlite_master where type = 'index' and tbl_name = ${table} and sql is not null`.execute(db);
    await sql.raw(create).execute(db);
    await sql`insert into ${sql.table(rebuilt)} select * from ${sql.table(table)}`.execute(db);
    await sql`drop table ${sql.table(table)}`.execute(db);
    await sql`alter table ${sql.table(rebuilt)} rename to ${sql.table(table)}`.execute(db);
    for (const index of indexes) await sql.raw(index.sql).execute(db);
  },
  typedParam: (value) => sql`${value}`,
  tableExists: async (db, table) => {
    const { rows } = await sql`select 1 from sqlite_master where type = 'table' and name = ${table}`.execute(db);
    return rows.length > 0;
  },
  indexKey: (value) => value,
  compareValue: (value, _kind, op, param) => sql<boolean>`${value} ${sql.raw(op)} ${param}`,
  // A long list is one JSON text parameter, read back by json_each (the index still serves the IN).
  indexableLongLists: Number.POSITIVE_INFINITY,
  oneOf: (value, _type, params) => params.length <= INLINE_LIST_MAX
    ? sql<boolean>`${value} in (${sql.join(params.map((p) => sql`${p}`))})`
    : sql<boolean>`${value} in (select value from json_each(${JSON.stringify(params)}))`,
  sortKeys: (value) => [value],
  listIndexNames: async (db, table, prefix) => {
    const { rows } = await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = ${table} and name like ${`${prefix}%`}`.execute(db);
    return rows.map((r) => r.name);
  },
  // Reader threads run a query to its end (node:sqlite cannot interrupt one): no budget to pass.
  isReadTimeout: () => false,
  isUniqueViolation: (error) =>
    error instanceof Error && /UNIQUE constraint failed|PRIMARY KEY constraint failed/.test(error.message),
  describeConnectionError: (error) =>
    error instanceof Error && /unable to open database|SQLITE_CANTOPEN/i.test(error.message) ? error.message : null,
};

/**
 * Opens (creating if needed) the SQLite file with WAL (readers never block the writer),
 * a busy timeout (other processes' writes are waited for, not failed), foreign keys on, and
 * synchronous=FULL so a committed transaction survives power loss, not only a crash.
 */
export function openSqlite(file: string): OpenedDialect {
  if (file !== ':memory:') {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // Created readable by its owner only, whatever the umask lets through. SQLite gives the
    // -wal and -shm files it creates later the permissions of the database file (os_unix.c),
    // so they follow. An existing file keeps the permissions its owner chose.
    fs.closeSync(fs.openSync(file, 'a', 0o600));
  }
  const db = new DatabaseSync(file);
  db.exec('PRAGMA busy_timeout = 10000');
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = FULL');
  db.exec('PRAGMA foreign_keys = ON');
  // A process row touches a dozen index B-trees; SQLite's default 2 MB page cache keeps few of
  // their pages, so large tables would be read back from the OS on every insert.
  db.exec('PRAGMA cache_size = -65536');
  db.exec('PRAGMA temp_store = MEMORY');
  // Checkpoint every ~40 MB of WAL instead of 4 MB: a bulk batch dirties thousands of index pages,
  // and each checkpoint writes them again into the database file (a quarter less written to disk
  // for a 30,000-item bulk create, bench/bulk-sql-profile.ts).
  db.exec('PRAGMA wal_autocheckpoint = 10000');
  // Statistics for any table that has none or grew a lot since (SQLite's advice for new connections).
  db.exec('PRAGMA optimize = 0x10002');
  // An in-memory database is private to its connection: reader threads could not see it.
  const readKyselyDialect = file === ':memory:' ? undefined : readerPoolDialect(createReaderPool(file));
  return { dialect: sqliteDialect, kyselyDialect: new NodeSqliteDialect(adaptNodeSqlite(db)), readKyselyDialect };
}
