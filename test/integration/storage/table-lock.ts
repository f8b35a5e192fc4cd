import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import type { TestDatabase } from '../../support/test-db.ts';

export interface HeldLock {
  /** Resolves once a writer is seen waiting for the lock (PostgreSQL only; SQLite cannot show it). */
  waitForBlockedWriter(): Promise<void>;
  /**
   * Ends the sessions blocked behind the lock, then releases it. A killed server's session dies
   * with it, but PostgreSQL only notices when it next talks to the client: a statement already
   * waiting on the lock would otherwise still run once it is released.
   */
  release(): Promise<void>;
}

/**
 * Holds a lock that lets others read photos but blocks any insert into them, from a connection
 * of its own, the way another process's long write would.
 */
export async function holdPhotosTableLock(database: TestDatabase): Promise<HeldLock> {
  const target = database.target;
  if (target.kind === 'sqlite') {
    const connection = new DatabaseSync(target.file);
    connection.exec('begin immediate');
    return {
      waitForBlockedWriter: async () => {},
      release: async () => {
        connection.exec('rollback');
        connection.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: target.url, options: `-c search_path=${target.schema}` });
  await client.connect();
  await client.query('begin');
  await client.query('lock table photos in share row exclusive mode');
  const blockedPids = async (): Promise<number[]> => {
    const { rows } = await client.query<{ pid: number }>(
      "select pid from pg_locks where relation = 'photos'::regclass and not granted",
    );
    return rows.map((r) => r.pid);
  };
  return {
    async waitForBlockedWriter() {
      const deadline = Date.now() + 15_000;
      while ((await blockedPids()).length === 0) {
        if (Date.now() > deadline) throw new Error('no writer blocked on the photos lock');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async release() {
      try {
        for (const pid of await blockedPids()) await client.query('select pg_terminate_backend($1)', [pid]);
        while ((await blockedPids()).length > 0) await new Promise((resolve) => setTimeout(resolve, 10));
        await client.query('rollback');
      } finally {
        await client.end();
      }
    },
  };
}
