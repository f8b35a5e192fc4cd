import { sql } from 'kysely';
import { openDatabase, type DatabaseTarget, type Db } from '../src/db/database.ts';
import { newId } from '../src/shared/ids.ts';

/**
 * The storage floor's one table: a primary key and the request's JSON, nothing else (no
 * secondary index, no history). Written and read with the same Db handle, driver and settings
 * as the server's own tables, so the difference to the real endpoints is the API's work.
 */
const TABLE = 'lean_processes';

export async function ensureLeanTable(db: Db): Promise<void> {
  const json = sql.raw(db.dialect.jsonColumnType);
  await sql`create table if not exists ${sql.id(TABLE)} (id text primary key, data ${json} not null, created_at bigint not null)`.execute(db.kysely);
}

export async function insertLean(db: Db, id: string, data: unknown, createdAt: number): Promise<void> {
  await sql`insert into ${sql.id(TABLE)} (id, data, created_at) values (${id}, ${JSON.stringify(data)}, ${createdAt})`.execute(db.kysely);
}

export async function selectLean(db: Db, id: string): Promise<{ id: string; data: unknown; createdAt: number } | undefined> {
  const { rows } = await sql<{ id: string; data: unknown; created_at: number }>`select id, data, created_at from ${sql.id(TABLE)} where id = ${id}`.execute(db.kysely);
  const row = rows[0];
  return row ? { id: row.id, data: db.dialect.readJson(row.data), createdAt: Number(row.created_at) } : undefined;
}

/**
 * Fills the table with one row per body, as many as the real server holds, so the primary-key
 * lookups of both run against tables of the same size. Ids are the server's kind (UUIDv7).
 */
export async function seedLeanTable(target: DatabaseTarget, bodies: Iterable<unknown>): Promise<string[]> {
  const db = openDatabase(target);
  try {
    await ensureLeanTable(db);
    const ids: string[] = [];
    const now = Date.now();
    let batch: unknown[] = [];
    const flush = () => db.transaction(async (tx) => {
      for (const body of batch) {
        const id = newId();
        await insertLean(tx, id, body, now);
        ids.push(id);
      }
      batch = [];
    });
    for (const body of bodies) {
      batch.push(body);
      if (batch.length === 5000) await flush();
    }
    await flush();
    if (db.dialect.name === 'postgres') await sql`analyze ${sql.id(TABLE)}`.execute(db.kysely);
    return ids;
  } finally {
    await db.close();
  }
}
