import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import type { DatabaseTarget } from '../../src/db/database.ts';
import { TEST_DATABASE_URL, TEST_DIALECT } from './env.ts';

export interface TestDatabase {
  readonly target: DatabaseTarget;
  /** A fresh directory for DATA_DIR (files, secret key). */
  readonly dataDir: string;
  drop(): Promise<void>;
}

/**
 * A database of its own for one test file: a new SQLite file in a temp directory, or a new
 * schema in the PostgreSQL test database (dropped afterwards), so files run in parallel.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chakra-test-'));
  const removeDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
  if (TEST_DIALECT === 'sqlite') {
    return { target: { kind: 'sqlite', file: path.join(dataDir, 'chakra.db') }, dataDir, drop: async () => removeDir() };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  await withAdminClient((client) => client.query(`create schema ${schema}`));
  return {
    target: { kind: 'postgres', url: TEST_DATABASE_URL, schema, maxConnections: 5 },
    dataDir,
    drop: async () => {
      await withAdminClient((client) => client.query(`drop schema if exists ${schema} cascade`));
      removeDir();
    },
  };
}

async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
