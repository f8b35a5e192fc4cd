import { AsyncLocalStorage } from 'node:async_hooks';
import { Kysely, type KyselyPlugin, type Transaction } from 'kysely';
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
  /**
   * For reads that may run long (lists, counts): on SQLite they run on reader threads, so the
   * event loop keeps answering meanwhile; on PostgreSQL on connections of their own, under a time
   * budget, so they never take every connection. Inside a transaction, the transaction itself.
   */
  readonly reads: Kysely<Database>;
  readonly dialect: Dialect;
  /** Runs `work` in a transaction (or in the current one when already inside a transaction). */
  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T>;
  /**
   * For a small write that needs no transaction of its own (one statement): where commits are
   * grouped (SQLite, whose commit is a disk flush) it joins the next group commit instead of
   * paying a flush alone; elsewhere it runs at once, as one autocommitted statement.
   */
  writeShared<T>(work: (tx: Db) => Promise<T>): Promise<T>;
  readonly inTransaction: boolean;
}

export interface RootDb extends Db {
  close(): Promise<void>;
}

/** Raised by a query made through the root handle while the caller has a transaction open. */
export class RootQueryInTransactionError extends Error {
  override name = 'RootQueryInTransactionError';
}

/** Raised by work that must never wait inside a transaction (network calls) when one is open. */
export class NetworkInTransactionError extends Error {
  override name = 'NetworkInTransactionError';
}

/**
 * Which database's transaction the current async call chain is inside, if any. On SQLite the one
 * connection belongs to an open transaction until it ends, so a query through the root handle
 * from inside that transaction would wait for it forever; on PostgreSQL it would run outside the
 * transaction, on another connection, and miss its uncommitted writes. Both are bugs, so the root
 * handle refuses such a query at once instead of hanging or reading stale data.
 */
const openTransaction = new AsyncLocalStorage<object>();

/**
 * Throws when the current call chain holds an open transaction on any database: network I/O
 * (Meta's API, webhooks, object storage) must never run while a transaction holds locks.
 */
export function assertNoOpenTransaction(what: string): void {
  if (openTransaction.getStore() !== undefined) {
    throw new NetworkInTransactionError(`${what} was called while a database transaction is open; call it after the commit`);
  }
}

type Begin = <T>(work: (trx: Transaction<Database>) => Promise<T>) => Promise<T>;

function bind(kysely: Kysely<Database>, reads: Kysely<Database>, dialect: Dialect, begin: Begin, identity: object): Db {
  const inTransaction = kysely.isTransaction;
  const db: Db = {
    kysely,
    reads,
    dialect,
    inTransaction,
    transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
      if (inTransaction) return work(db);
      // A second transaction begun from inside one would wait for the first to end (SQLite's one
      // connection) or hold two connections at once (PostgreSQL): use the transaction handle.
      if (openTransaction.getStore() === identity) {
        return Promise.reject(new RootQueryInTransactionError('a transaction was begun through the root database handle inside an open transaction; use the transaction handle'));
      }
      return begin((trx) => openTransaction.run(identity, () => work(bind(trx, trx, dialect, begin, identity))));
    },
    writeShared<T>(work: (tx: Db) => Promise<T>): Promise<T> {
      return dialect.groupCommit && !inTransaction ? db.transaction(work) : work(db);
    },
  };
  return db;
}

/**
 * Checks every query of the root handle (transactions get their own Kysely instance, without this
 * plugin): inside a transaction of the same database it is refused.
 */
function refuseInsideTransaction(identity: object): KyselyPlugin {
  return {
    transformQuery(args) {
      if (openTransaction.getStore() === identity) {
        throw new RootQueryInTransactionError('a query was made through the root database handle inside an open transaction; use the transaction handle');
      }
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
}

export type DatabaseTarget =
  | { readonly kind: 'sqlite'; readonly file: string }
  | ({ readonly kind: 'postgres'; readonly url: string } & PostgresOptions);

export function openDatabase(target: DatabaseTarget): RootDb {
  const opened: OpenedDialect =
    target.kind === 'sqlite' ? openSqlite(target.file) : openPostgres(target.url, target);
  const identity = {};
  const base = new Kysely<Database>({ dialect: opened.kyselyDialect });
  // Transactions begin on the unchecked instance; everything else goes through the checked one.
  const kysely = base.withPlugin(refuseInsideTransaction(identity));
  const readBase = opened.readKyselyDialect ? new Kysely<Database>({ dialect: opened.readKyselyDialect }) : null;
  const reads = readBase ? readBase.withPlugin(refuseInsideTransaction(identity)) : kysely;
  const begin: Begin = opened.dialect.groupCommit
    ? createGroupCommitter(base)
    : (work) => base.transaction().execute(work);
  const db = bind(kysely, reads, opened.dialect, begin, identity);
  return {
    ...db,
    async close() {
      await readBase?.destroy();
      await base.destroy();
      await opened.onClose?.();
    },
  };
}
