import os from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect as KyselyDialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely';
import type { ReaderReply, ReaderRequest } from './sqlite-reader.worker.ts';

/**
 * A few reader threads, each with its own connection to the SQLite file. node:sqlite runs a
 * query synchronously, so a query that reads a whole procedure would stop the main thread from
 * answering anything else until it ends; reads that may run long (lists, counts) are sent here
 * instead, and the main thread keeps serving (writes, fetches by id, health checks) meanwhile.
 * Queries beyond the pool's size wait in line for a free reader.
 */
export interface ReaderPool {
  run(sql: string, parameters: readonly unknown[]): Promise<unknown[]>;
  close(): Promise<void>;
}

/** Two readers at least (one long query never holds back every list), four at most. */
export const defaultReaderCount = (): number => Math.min(4, Math.max(2, os.availableParallelism()));

interface Pending {
  readonly request: ReaderRequest;
  readonly resolve: (rows: unknown[]) => void;
  readonly reject: (error: Error) => void;
}

interface Reader {
  readonly worker: Worker;
  busy: Pending | null;
}

export function createReaderPool(file: string, size = defaultReaderCount()): ReaderPool {
  const readers: Reader[] = [];
  const waiting: Pending[] = [];
  let nextId = 1;
  let closed = false;

  function spawn(): Reader {
    const worker = new Worker(new URL('./sqlite-reader.worker.ts', import.meta.url), { workerData: { file } });
    // Idle readers must not keep a process alive that is otherwise done.
    worker.unref();
    const reader: Reader = { worker, busy: null };
    worker.on('message', (reply: ReaderReply) => {
      const pending = reader.busy;
      reader.busy = null;
      if (pending && pending.request.id === reply.id) {
        if ('rows' in reply) pending.resolve(reply.rows);
        else pending.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code, errcode: reply.error.errcode }));
      }
      dispatch();
    });
    worker.on('error', (error) => {
      reader.busy?.reject(error);
      reader.busy = null;
      readers.splice(readers.indexOf(reader), 1);
      dispatch();
    });
    readers.push(reader);
    return reader;
  }

  function dispatch(): void {
    while (waiting.length > 0 && !closed) {
      const idle = readers.find((r) => r.busy === null) ?? (readers.length < size ? spawn() : undefined);
      if (!idle) return;
      const pending = waiting.shift()!;
      idle.busy = pending;
      // Kept alive while it has work, so a pending read is not dropped at exit.
      idle.worker.ref();
      idle.worker.postMessage(pending.request);
    }
    for (const reader of readers) if (reader.busy === null) reader.worker.unref();
  }

  return {
    run(sql, parameters) {
      if (closed) return Promise.reject(new Error('the database is closed'));
      return new Promise<unknown[]>((resolve, reject) => {
        waiting.push({ request: { id: nextId++, sql, parameters }, resolve, reject });
        dispatch();
      });
    },
    async close() {
      closed = true;
      for (const pending of waiting.splice(0)) pending.reject(new Error('the database is closed'));
      // A reader in the middle of a query finishes it first (node:sqlite cannot be interrupted).
      await Promise.all(readers.map((r) => r.worker.terminate()));
      readers.length = 0;
    },
  };
}

class ReaderConnection implements DatabaseConnection {
  readonly #pool: ReaderPool;
  constructor(pool: ReaderPool) {
    this.#pool = pool;
  }
  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    return { rows: (await this.#pool.run(compiled.sql, compiled.parameters)) as R[] };
  }
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('the SQLite read pool does not stream');
  }
}

class ReaderDriver implements Driver {
  readonly #pool: ReaderPool;
  readonly #connection: ReaderConnection;
  constructor(pool: ReaderPool) {
    this.#pool = pool;
    this.#connection = new ReaderConnection(pool);
  }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return this.#connection;
  }
  async beginTransaction(): Promise<void> {
    throw new Error('the SQLite read pool runs no transactions');
  }
  async commitTransaction(): Promise<void> {}
  async rollbackTransaction(): Promise<void> {}
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {
    await this.#pool.close();
  }
}

/** A Kysely dialect whose queries run on the read pool (SELECTs only). */
export function readerPoolDialect(pool: ReaderPool): KyselyDialect {
  return {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new ReaderDriver(pool),
    createQueryCompiler: () => new SqliteQueryCompiler(),
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any schema
    createIntrospector: (db: Kysely<any>) => new SqliteIntrospector(db),
  };
}
