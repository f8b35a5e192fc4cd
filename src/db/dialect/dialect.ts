import { sql, type Dialect as KyselyDialect, type Kysely, type RawBuilder } from 'kysely';

/** How a JSON value is compared in SQL. */
export type JsonValueKind = 'number' | 'text' | 'boolean';
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
  /**
   * Brings the planner's statistics up to date after large changes (new indexes, bulk imports).
   * Without them SQLite guesses, and can read a whole procedure where an index would do.
   */
  refreshStatistics(db: Kysely<any>): Promise<void>; // eslint-disable-line @typescript-eslint/no-explicit-any -- any schema
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
