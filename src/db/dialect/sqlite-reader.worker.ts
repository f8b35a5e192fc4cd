/**
 * One reader thread of the SQLite read pool (sqlite-readers.ts): its own connection to the
 * database file, used only for SELECTs, so a long query runs here and never on the main
 * thread's event loop. WAL mode lets it read while the main thread writes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';

export interface ReaderRequest {
  readonly id: number;
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

export type ReaderReply =
  | { readonly id: number; readonly rows: unknown[] }
  | { readonly id: number; readonly error: { message: string; code?: string; errcode?: number } };

const STATEMENT_CACHE_SIZE = 500;

const db = new DatabaseSync((workerData as { file: string }).file);
db.exec('PRAGMA busy_timeout = 10000');
// Refuses writes outright: this connection is for reads only.
db.exec('PRAGMA query_only = 1');
db.exec('PRAGMA cache_size = -16384');
db.exec('PRAGMA temp_store = MEMORY');

const statements = new Map<string, StatementSync>();

function prepare(text: string): StatementSync {
  const cached = statements.get(text);
  if (cached) return cached;
  const statement = db.prepare(text);
  if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value as string);
  statements.set(text, statement);
  return statement;
}

parentPort!.on('message', (request: ReaderRequest | 'close') => {
  if (request === 'close') {
    db.close();
    parentPort!.close();
    return;
  }
  let reply: ReaderReply;
  try {
    reply = { id: request.id, rows: prepare(request.sql).all(...(request.parameters as SQLInputValue[])) };
  } catch (error: unknown) {
    const e = error as { message?: string; code?: string; errcode?: number };
    reply = { id: request.id, error: { message: e.message ?? String(error), code: e.code, errcode: e.errcode } };
  }
  parentPort!.postMessage(reply);
});
