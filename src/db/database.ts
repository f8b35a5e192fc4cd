import { Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.ts';
import type { Dialect, OpenedDialect } from './dialect/dialect.ts';
import { openSqlite } from './dialect/sqlite.ts';
import { openPostgres, type PostgresOptions } from './dialect/postgres.ts';
import { createGroupCommitter } from './group-commit.ts';

/**
 * A database handle: the Kysely query builder plus the dialect helpers. The same type stands
 * for the root handle and for a handle bound to an open transaction, so repos take `Db` and
 * work either way.
 */
export interface Db {
  readonly kysely: Kysely<Database>;
  readonly dialect: Dialect;
  /** Runs `work` in a transaction (or in the current one when already inside a transaction). */
  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T>;
  readonly inTransaction: boolean;
}

export interface RootDb extends Db {
  close(): Promise<void>;
}

type Begin = <T>(work: (trx: Transaction<Database>) => Promise<T>) => Promise<T>;

function bind(kysely: Kysely<Database>, dialect: Dialect, begin: Begin): Db {
  const inTransaction = kysely.isTransaction;
  const db: Db = {
    kysely,
    dialect,
    inTransaction,
    transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
      if (inTransaction) return work(db);
      return begin((trx) => work(bind(trx, dialect, begin)));
    },
  };
  return db;
}

export type DatabaseTarget =
  | { readonly kind: 'sqlite'; readonly file: string }
  | ({ readonly kind: 'postgres'; readonly url: string } & PostgresOptions);

export function openDatabase(target: DatabaseTarget): RootDb {
  const opened: OpenedDialect =
    target.kind === 'sqlite' ? openSqlite(target.file) : openPostgres(target.url, target);
  const kysely = new Kysely<Database>({ dialect: opened.kyselyDialect });
  const begin: Begin = opened.dialect.groupCommit
    ? createGroupCommitter(kysely)
    : (work) => kysely.transaction().execute(work);
  const db = bind(kysely, opened.dialect, begin);
  return {
    ...db,
    async close() {
      await kysely.destroy();
      await opened.onClose?.();
    },
  };
}
