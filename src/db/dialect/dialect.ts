import { sql, type Dialect as KyselyDialect, type Kysely, type RawBuilder } from 'kysely';

/** How a JSON value is compared in SQL. */
export type JsonValueKind = 'number' | 'text' | 'boolean';
/** The SQL comparison operators the where grammar uses. */
export type SqlComparison = '=' | '<>' | '>' | '>=' | '<' | '<=';
/** The SQL type of the values of a list compared with `oneOf` (root columns are bigint, attribute numbers numeric). */
export type SqlValueType = 'text' | 'numeric' | 'bigint' | 'boolean';

/** The column types of stored rows, as typedParam names them. */
export type ColumnValueType = 'text' | 'bigint' | 'integer' | 'json';

/** Lists up to this long are written out as parameters; longer ones are bound as one array. */
export const INLINE_LIST_MAX = 32;
export type JsonColumn = 'data' | 'derived_data';

const JSON_KEY = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;

/**
 * JSON keys are attribute shortIds, validated when the config is applied; they are written into
 * SQL as literals (index expressions must match query expressions exactly), so they are checked
 * again here and anything else is refused outright.
 */
export function jsonKey(key: string): string {
  if (!JSON_KEY.test(key)) throw new Error(`not a valid JSON key for SQL: ${JSON.stringify(key)}`);
  return key;
}

export const rawColumn = (column: JsonColumn): RawBuilder<unknown> => sql.raw(column === 'data' ? 'data' : 'derived_data');

/**
 * One key of a database-built JSON object. `kind`: `value` (the column as a JSON scalar),
 * `json` (a JSON document column, embedded as it is), `flag` (an integer 0/1, written as a boolean).
 */
export interface JsonObjectField {
  readonly key: string;
  readonly column: string;
  readonly kind: 'value' | 'json' | 'flag';
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/i;

/** The `'key', column` pairs both dialects' object builders take; names are the code's own, checked anyway. */
export function jsonObjectArguments(fields: readonly JsonObjectField[], value: (field: JsonObjectField) => string): RawBuilder<unknown> {
  return sql.raw(fields.map((field) => {
    if (!IDENTIFIER.test(field.key) || !IDENTIFIER.test(field.column)) throw new Error(`not a plain name: ${field.key} / ${field.column}`);
    return `'${field.key}', ${value(field)}`;
  }).join(', '));
}

/**
 * Everything that differs between SQLite and PostgreSQL, declared once. Code outside
 * `db/dialect/` calls these helpers and never asks which database it runs on.
 */
export interface Dialect {
  readonly name: 'sqlite' | 'postgres';
  /**
   * One writer, a costly commit: concurrent transactions share commits (see group-commit.ts).
   * PostgreSQL runs them in parallel on its own connections instead.
   */
  readonly groupCommit: boolean;
  /** Column type for JSON documents in migrations. */
  readonly jsonColumnType: 'text' | 'jsonb';
  /** Turns a JSON column's value as the driver returns it into a JS value. */
  readJson(value: unknown): unknown;
  /**
   * The scalar at `column.key`, typed for comparison; null when absent or of another JSON type.
   * Attribute indexes are built on exactly this expression, so queries must use it unchanged.
   */
  jsonValue(column: JsonColumn, key: string, kind: JsonValueKind): RawBuilder<unknown>;
  /** True when `column.key` is absent (stored documents never hold JSON null). */
  jsonIsAbsent(column: JsonColumn, key: string): RawBuilder<boolean>;
  /** A bound parameter for a boolean compared with `jsonValue(…, 'boolean')`. */
  booleanParam(value: boolean): unknown;
  /**
   * A JSON object built by the database, returned as its text: the keys in the given order, each
   * from a column of the row. A page of rows is then passed to the response as it comes, with
   * no per-row object or string building in JavaScript (the hottest part of a list otherwise).
   */
  jsonObjectText(fields: readonly JsonObjectField[]): RawBuilder<string>;
  /** True when the JSON array at `column.key` contains `value`. */
  jsonArrayContains(column: JsonColumn, key: string, value: string | number | boolean, kind: JsonValueKind): RawBuilder<boolean>;
  /** True when the JSON array at `column.key` contains any of `values` (long lists bound as one parameter, as in oneOf). */
  jsonArrayContainsAny(column: JsonColumn, key: string, values: readonly (string | number | boolean)[], kind: JsonValueKind): RawBuilder<boolean>;
  /**
   * Brings the planner's statistics up to date after large changes (new indexes, bulk imports).
   * Without them SQLite guesses, and can read a whole procedure where an index would do.
   * `tables`: the ones that changed (PostgreSQL analyzes just those; SQLite decides itself).
   */
  refreshStatistics(db: Kysely<any>, tables: readonly string[]): Promise<void>; // eslint-disable-line @typescript-eslint/no-explicit-any -- any schema
  /**
   * Takes `count` values of a counter (an `autoGenerate` primary key), in the caller's
   * transaction, without holding anything another transaction would wait for until commit.
   * SQLite: a row of the `sequences` table (one writer: nothing waits anyway). PostgreSQL: a
   * native sequence (nextval never blocks and is never rolled back: a failed create leaves a gap,
   * never a repeat). Values are unique and increasing for this caller, not always consecutive.
   */
  takeSequence(db: Kysely<any>, counter: { teamId: string; attributeId: string }, count: number): Promise<number[]>; // eslint-disable-line @typescript-eslint/no-explicit-any -- any schema
  /** Creates the counter's storage where it needs creating (PostgreSQL: the sequence). */
  ensureSequence(db: Kysely<any>, attributeId: string): Promise<void>; // eslint-disable-line @typescript-eslint/no-explicit-any -- any schema
  dropSequence(db: Kysely<any>, attributeId: string): Promise<void>; // eslint-disable-line @typescript-eslint/no-explicit-any -- any schema
  /**
   * Removes the foreign keys of `table` that reference `referenced` (migrations). PostgreSQL drops
   * the constraints; SQLite, which cannot, rebuilds the table without them, rows and indexes kept.
   */
  dropForeignKeysTo(db: Kysely<any>, table: string, referenced: string): Promise<void>; // eslint-disable-line @typescript-eslint/no-explicit-any -- any schema
  /**
   * A bound parameter typed as a column of `type`, for VALUES lists whose columns nothing else
   * types (PostgreSQL reads an untyped one as text; SQLite needs nothing).
   */
  typedParam(value: unknown, type: ColumnValueType): RawBuilder<unknown>;
  /** True when the table exists (in the connection's schema on PostgreSQL). */
  tableExists(db: Kysely<any>, table: string): Promise<boolean>; // eslint-disable-line @typescript-eslint/no-explicit-any -- any schema
  /**
   * What an attribute index holds for a value of `kind`. PostgreSQL's B-tree entries are limited
   * to about 2,700 bytes, so text is indexed by its first 512 characters there (any stored text
   * then fits), and compared through that prefix first (see compareValue); SQLite has no such
   * limit and indexes the value itself.
   */
  indexKey(value: RawBuilder<unknown>, kind: JsonValueKind): RawBuilder<unknown>;
  /** `value op param` for an attribute value, written so the attribute's index serves it. */
  compareValue(value: RawBuilder<unknown>, kind: JsonValueKind, op: SqlComparison, param: unknown): RawBuilder<boolean>;
  /**
   * `value` is one of `params`, written so the attribute's index serves it (`indexed`) or for a
   * plain column. Long lists are bound as one array parameter: a filter of 200 conditions of 200
   * values each would pass SQLite's limit on bound parameters otherwise.
   */
  oneOf(value: RawBuilder<unknown>, type: SqlValueType, params: readonly unknown[], indexed: boolean, indexable: boolean): RawBuilder<boolean>;
  /**
   * How many lists longer than INLINE_LIST_MAX one query may offer to its indexes (`indexable`
   * in oneOf); the others are written so no index considers them. PostgreSQL's planner takes
   * minutes, and cannot be cancelled, weighing an index scan for each of some 150 array
   * comparisons ANDed together; SQLite has no such limit.
   */
  readonly indexableLongLists: number;
  /** The ORDER BY keys that sort by an attribute value in its index's order (PostgreSQL text: the prefix, then the value). */
  sortKeys(value: RawBuilder<unknown>, kind: JsonValueKind): RawBuilder<unknown>[];
  /** Names of the indexes on a table whose name starts with `prefix`. */
  listIndexNames(db: Kysely<any>, table: string, prefix: string): Promise<string[]>; // eslint-disable-line @typescript-eslint/no-explicit-any -- any schema
  /**
   * Appended to the row-selecting subquery of a claim. PostgreSQL: `for update skip locked`, so
   * concurrent workers claim disjoint rows without waiting; SQLite: nothing (one writer at a
   * time, and the claim is one atomic UPDATE … RETURNING).
   */
  readonly skipLocked: RawBuilder<unknown>;
  /**
   * Written after an index's value expression so absent values are its smallest entries, as
   * they are on SQLite (PostgreSQL: `nulls first`); sorting then matches the index order.
   */
  readonly indexNullsFirst: RawBuilder<unknown>;
  /** Appended to a SELECT inside a transaction to lock the rows read (PostgreSQL `for update`). */
  readonly forUpdate: RawBuilder<unknown>;
  /**
   * True when the error says a schema object vanished while the catalog was being read (another
   * schema of the same database dropped meanwhile): worth retrying, not a real failure.
   */
  isCatalogRace(error: unknown): boolean;
  /** True when the database cancelled a read that ran past its time budget (Db.reads). */
  isReadTimeout(error: unknown): boolean;
  /** True when the error is a unique-constraint violation. */
  isUniqueViolation(error: unknown): boolean;
  /**
   * The schema the migration bookkeeping tables live in (PostgreSQL: the connection's current
   * schema, so several schemas in one database stay independent); undefined on SQLite.
   */
  migrationSchema(db: Kysely<any>): Promise<string | undefined>; // eslint-disable-line @typescript-eslint/no-explicit-any -- any schema
  /** True when the error says the database could not be reached at all. */
  describeConnectionError(error: unknown): string | null;
}

export interface OpenedDialect {
  readonly dialect: Dialect;
  readonly kyselyDialect: KyselyDialect;
  /**
   * Where reads that may run long go (see Db.reads): SQLite's reader threads, PostgreSQL's
   * second pool with a statement timeout.
   */
  readonly readKyselyDialect?: KyselyDialect;
  /** Closes anything the dialect opened outside Kysely's own lifecycle. */
  readonly onClose?: () => Promise<void>;
}
