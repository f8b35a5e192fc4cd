import pg from 'pg';
import { PostgresDialect, sql } from 'kysely';
import type { Dialect, OpenedDialect } from './dialect.ts';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** Epoch-ms timestamps and counts are int8; they fit in a JS number, so read them as numbers. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  }) as typeof pg.types.getTypeParser,
};

const postgresDialect: Dialect = {
  name: 'postgres',
  jsonColumnType: 'jsonb',
  readJson: (value) => value ?? null,
  migrationSchema: async (db) => {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
    return rows[0]?.schema;
  },
  isUniqueViolation: (error) => (error as { code?: unknown } | null)?.code === '23505',
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
}

export function openPostgres(url: string, options: PostgresOptions = {}): OpenedDialect {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    types,
    connectionTimeoutMillis: 5000,
    options: options.schema ? `-c search_path=${options.schema}` : undefined,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  return { dialect: postgresDialect, kyselyDialect: new PostgresDialect({ pool }) };
}
