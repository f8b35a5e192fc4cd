import type { Dialect as KyselyDialect, Kysely } from 'kysely';

/**
 * Everything that differs between SQLite and PostgreSQL, declared once. Code outside
 * `db/dialect/` calls these helpers and never asks which database it runs on.
 */
export interface Dialect {
  readonly name: 'sqlite' | 'postgres';
  /** Column type for JSON documents in migrations. */
  readonly jsonColumnType: 'text' | 'jsonb';
  /** Turns a JSON column's value as the driver returns it into a JS value. */
  readJson(value: unknown): unknown;
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
  /** Closes anything the dialect opened outside Kysely's own lifecycle. */
  readonly onClose?: () => Promise<void>;
}
