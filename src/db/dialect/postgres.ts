import pg from 'pg';
import { PostgresDialect, sql } from 'kysely';
import { INLINE_LIST_MAX, jsonKey, jsonObjectArguments, rawColumn, type Dialect, type JsonValueKind, type OpenedDialect, type SqlValueType } from './dialect.ts';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** Epoch-ms timestamps and counts are int8; they fit in a JS number, so read them as numbers. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  }) as typeof pg.types.getTypeParser,
};

const JSONB_TYPE: Record<JsonValueKind, string> = { number: 'number', text: 'string', boolean: 'boolean' };
const SQL_TYPE: Record<JsonValueKind, string> = { number: 'numeric', text: 'text', boolean: 'boolean' };

/**
 * Text is indexed by its first 512 characters: at most 2,048 bytes in UTF-8, so an entry with
 * created_at and id stays under the B-tree's limit of about 2,700 bytes whatever is stored.
 */
const TEXT_INDEX_CHARS = 512;
const prefix = (value: unknown) => sql`left(${value}, ${sql.lit(TEXT_INDEX_CHARS)})`;
/** Text whose every prefix comparison is exact: fewer characters than the prefix holds. */
const isShortText = (value: unknown): boolean => typeof value === 'string' && value.length < TEXT_INDEX_CHARS;
/** The same prefix taken in JavaScript (left() counts characters, i.e. code points). */
const prefixOf = (text: string): string => (text.length <= TEXT_INDEX_CHARS ? text : [...text].slice(0, TEXT_INDEX_CHARS).join(''));
const ARRAY_TYPE: Record<SqlValueType, string> = { text: 'text[]', numeric: 'numeric[]', bigint: 'bigint[]', boolean: 'boolean[]' };

/** One native sequence per autoGenerate attribute, named after the attribute's id. */
const sequenceName = (attributeId: string): string => `seq_${attributeId.replace(/-/g, '')}`;

const postgresDialect: Dialect = {
  name: 'postgres',
  groupCommit: false,
  jsonColumnType: 'jsonb',
  readJson: (value) => value ?? null,
  // Only values of the expected JSON type are cast, so a stray value can never make a query or
  // an index build fail; everything else reads as null.
  jsonValue: (column, key, kind) => {
    const k = sql.raw(`'${jsonKey(key)}'`);
    const c = rawColumn(column);
    // Byte-wise ("C") collation: text orders the same as on SQLite whatever the database's locale.
    if (kind === 'text') return sql`(case when jsonb_typeof(${c}->${k}) = 'string' then (${c}->>${k}) collate "C" end)`;
    return sql`(case when jsonb_typeof(${c}->${k}) = ${sql.lit(JSONB_TYPE[kind])} then (${c}->>${k})::${sql.raw(SQL_TYPE[kind])} end)`;
  },
  // As text: the pg driver would parse a json result into an object.
  jsonObjectText: (fields) => sql<string>`json_build_object(${jsonObjectArguments(fields, (f) =>
    f.kind === 'flag' ? `("${f.column}" <> 0)` : `"${f.column}"`)})::text`,
  jsonIsAbsent: (column, key) => sql<boolean>`(${rawColumn(column)}->${sql.raw(`'${jsonKey(key)}'`)}) is null`,
  booleanParam: (value) => value,
  // PostgreSQL takes 65,535 parameters: a condition per value stays well within (200 × 200).
  jsonArrayContainsAny: (column, key, values, kind) =>
    sql<boolean>`(${sql.join(values.map((v) => postgresDialect.jsonArrayContains(column, key, v, kind)), sql` or `)})`,
  jsonArrayContains: (column, key, value, kind) =>
    sql<boolean>`(${rawColumn(column)}->${sql.raw(`'${jsonKey(key)}'`)} @> jsonb_build_array(${value}::${sql.raw(SQL_TYPE[kind])}))`,
  takeSequence: async (db, { attributeId }, count) => {
    const { rows } = await sql<{ value: number }>`select nextval(${sequenceName(attributeId)}::regclass) as value from generate_series(1, ${count}::int)`.execute(db);
    return rows.map((r) => Number(r.value)).sort((a, b) => a - b);
  },
  ensureSequence: async (db, attributeId) => {
    await sql`create sequence if not exists ${sql.id(sequenceName(attributeId))}`.execute(db);
  },
  dropSequence: async (db, attributeId) => {
    await sql`drop sequence if exists ${sql.id(sequenceName(attributeId))}`.execute(db);
  },
  // Autovacuum analyzes eventually; right after a bulk import or new indexes it may not have.
  refreshStatistics: async (db, tables) => {
    if (tables.length > 0) await sql`analyze ${sql.join(tables.map((t) => sql.table(t)))}`.execute(db);
  },
  dropForeignKeysTo: async (db, table, referenced) => {
    const { rows } = await sql<{ name: string }>`
      select conname as name from pg_constraint
      where contype = 'f' and conrelid = ${table}::regclass and confrelid = ${referenced}::regclass`.execute(db);
    for (const { name } of rows) await sql`alter table ${sql.table(table)} drop constraint ${sql.id(name)}`.execute(db);
  },
  typedParam: (value, type) => sql`cast(${value} as ${sql.raw(type === 'json' ? 'jsonb' : type)})`,
  tableExists: async (db, table) => {
    const { rows } = await sql`select 1 from pg_tables where schemaname = current_schema() and tablename = ${table}`.execute(db);
    return rows.length > 0;
  },
  indexKey: (value, kind) => (kind === 'text' ? prefix(value) : value),
  // Against text shorter than the prefix, comparing the prefix is exact (byte-wise order): one
  // condition the planner can estimate from the index's statistics. Against longer text the
  // prefix narrows through the index and the whole value decides; a value longer than the prefix
  // compares above it, so the prefix bound is inclusive for > and <.
  compareValue: (value, kind, op, param) => {
    const whole = sql<boolean>`${value} ${sql.raw(op)} ${param}`;
    if (kind !== 'text' || op === '<>') return whole;
    if (isShortText(param)) return sql<boolean>`${prefix(value)} ${sql.raw(op)} ${param}`;
    const bound = op === '=' ? '=' : op.startsWith('>') ? '>=' : '<=';
    return sql<boolean>`(${prefix(value)} ${sql.raw(bound)} ${prefix(param)} and ${whole})`;
  },
  indexableLongLists: 16,
  oneOf: (value, type, params, indexed, indexable) => {
    // Only short texts: the prefix alone decides (see compareValue).
    const byPrefix = indexed && type === 'text' && params.every(isShortText);
    if (params.length <= INLINE_LIST_MAX) {
      const list = sql.join(params.map((p) => sql`${p}`));
      if (byPrefix) return sql<boolean>`${prefix(value)} in (${list})`;
      const inline = sql<boolean>`${value} in (${list})`;
      return indexed && type === 'text' ? sql<boolean>`(${prefix(value)} in (${sql.join(params.map((p) => sql`${prefixOf(String(p))}`))}) and ${inline})` : inline;
    }
    if (byPrefix && indexable) return sql<boolean>`${prefix(value)} = any(${[...params]}::text[])`;
    const whole = sql<boolean>`${value} = any(${[...params]}::${sql.raw(ARRAY_TYPE[type])})`;
    // A boolean test is no index condition: the planner does not weigh an index scan for it.
    if (!indexable) return sql<boolean>`((${whole}) is true)`;
    if (!indexed || type !== 'text') return whole;
    const prefixes = [...new Set(params.map((p) => prefixOf(String(p))))];
    return sql<boolean>`(${prefix(value)} = any(${prefixes}::text[]) and ${whole})`;
  },
  sortKeys: (value, kind) => (kind === 'text' ? [prefix(value), value] : [value]),
  listIndexNames: async (db, table, prefix) => {
    const { rows } = await sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = current_schema() and tablename = ${table} and indexname like ${`${prefix}%`}`.execute(db);
    return rows.map((r) => r.name);
  },
  skipLocked: sql`for update skip locked`,
  indexNullsFirst: sql`nulls first`,
  forUpdate: sql`for update`,
  // Kysely's migrator lists the tables (and their columns' sequences) of every schema; one
  // dropped or altered meanwhile fails that read with 3F000, 42P01 or 42703.
  isCatalogRace: (error) => ['3F000', '42P01', '42703'].includes(String((error as { code?: unknown } | null)?.code)),
  migrationSchema: async (db) => {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
    return rows[0]?.schema;
  },
  isUniqueViolation: (error) => (error as { code?: unknown } | null)?.code === '23505',
  // 57014: cancelled by statement_timeout; or no reader connection freed within the budget (pg's
  // pool says so only in its message).
  isReadTimeout: (error) => {
    const e = error as { code?: unknown; message?: unknown } | null;
    return e?.code === '57014' || (e instanceof Error && e.message === 'timeout exceeded when trying to connect');
  },
  describeConnectionError: (error) => {
    const e = error as { code?: string; address?: string; port?: number; message?: string } | null;
    if (!e || typeof e.code !== 'string') return null;
    if (['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'EAI_AGAIN'].includes(e.code)) {
      const where = e.address ? `${e.address}:${e.port ?? ''}` : 'the server';
      return `cannot connect to ${where}: ${e.code === 'ECONNREFUSED' ? 'connection refused' : e.code}`;
    }
    // 28xxx: authentication; 3D000: unknown database.
    if (e.code.startsWith('28') || e.code === '3D000') return e.message ?? e.code;
    return null;
  },
};

export interface PostgresOptions {
  /** Schema to use as search_path (tests give every file its own schema). */
  readonly schema?: string;
  readonly maxConnections?: number;
  /** Time budget of a read that may run long (Db.reads); past it the database cancels it. */
  readonly readTimeoutMs?: number;
}

export const DEFAULT_READ_TIMEOUT_MS = 30_000;

/**
 * Two pools: one for everything, and a smaller one for reads that may run long (lists with
 * filters no index serves). Long reads then cannot take every connection and leave writes and
 * fetches waiting, and the database cancels one that runs past its budget.
 */
export function openPostgres(url: string, options: PostgresOptions = {}): OpenedDialect {
  const max = options.maxConnections ?? 10;
  const searchPath = options.schema ? `-c search_path=${options.schema}` : '';
  const open = (size: number, settings: string, waitMs: number) => {
    const pool = new pg.Pool({ connectionString: url, max: size, types, connectionTimeoutMillis: waitMs, options: settings.trim() || undefined });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    pool.on('error', () => {});
    return pool;
  };
  const pool = open(max, searchPath, 5000);
  // Waiting in line for a reader (or for a new connection) may take as long as the budget, and
  // never less than the main pool allows.
  const budget = options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
  const readPool = open(Math.max(2, Math.ceil(max / 2)), `${searchPath} -c statement_timeout=${budget}`, Math.max(budget, 5000));
  return {
    dialect: postgresDialect,
    kyselyDialect: new PostgresDialect({ pool }),
    readKyselyDialect: new PostgresDialect({ pool: readPool }),
  };
}
