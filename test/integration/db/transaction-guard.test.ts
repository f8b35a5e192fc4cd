import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { assertNoOpenTransaction, NetworkInTransactionError, openDatabase, RootQueryInTransactionError, type RootDb } from '../../../src/db/database.ts';
import { migrateToLatest } from '../../../src/db/migrate.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-db.ts';

/**
 * A query through the root handle from inside an open transaction would wait forever on SQLite
 * (its one connection belongs to the transaction) and read outside the transaction on
 * PostgreSQL. Both databases refuse it at once, and so does anything that must not run while a
 * transaction holds locks (network calls).
 */
describe('database handle: nothing reaches past an open transaction', () => {
  let testDb: TestDatabase;
  let db: RootDb;

  before(async () => {
    testDb = await createTestDatabase();
    db = openDatabase(testDb.target);
    await migrateToLatest(db);
  });
  after(async () => {
    await db.close();
    await testDb.drop();
  });

  it('refuses a root-handle query inside a transaction instead of waiting, and rolls the transaction back', async () => {
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.kysely.insertInto('cache_revisions').values({ name: 'config', revision: 99 }).onConflict((oc) => oc.column('name').doUpdateSet({ revision: 99 })).execute();
        await db.kysely.selectFrom('cache_revisions').selectAll().execute();
      }),
      RootQueryInTransactionError,
    );
    const rows = await db.kysely.selectFrom('cache_revisions').select('revision').where('name', '=', 'config').execute();
    assert.ok(rows.every((r) => Number(r.revision) !== 99), 'the refused transaction left nothing behind');
  });

  it('refuses raw SQL and a second transaction begun through the root handle inside one', async () => {
    await assert.rejects(db.transaction(async () => { await sql`select 1`.execute(db.kysely); }), RootQueryInTransactionError);
    await assert.rejects(db.transaction(async () => db.transaction(async () => 1)), RootQueryInTransactionError);
  });

  it('lets the transaction handle, nested transaction calls on it, and the root handle afterwards work', async () => {
    const value = await db.transaction(async (tx) => tx.transaction(async (inner) => (await sql<{ v: number }>`select 7 as v`.execute(inner.kysely)).rows[0].v));
    assert.equal(Number(value), 7);
    const after = await sql<{ v: number }>`select 8 as v`.execute(db.kysely);
    assert.equal(Number(after.rows[0].v), 8);
  });

  it('refuses network work inside a transaction and allows it outside', async () => {
    assert.doesNotThrow(() => assertNoOpenTransaction('a Graph API call'));
    await assert.rejects(db.transaction(async () => assertNoOpenTransaction('a Graph API call')), NetworkInTransactionError);
  });

  it('keeps concurrent callers outside the transaction unaffected', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    const transaction = db.transaction(async (tx) => {
      await held;
      return (await sql<{ v: number }>`select 1 as v`.execute(tx.kysely)).rows.length;
    });
    // Another request, not inside the transaction: on PostgreSQL it runs at once; on SQLite it
    // waits for the commit. Either way it is not refused.
    const outside = sql<{ v: number }>`select 2 as v`.execute(db.kysely);
    release();
    assert.equal(await transaction, 1);
    assert.equal(Number((await outside).rows[0].v), 2);
  });
});
