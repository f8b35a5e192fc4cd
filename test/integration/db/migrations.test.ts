import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Migrator, type Kysely, type Migration } from 'kysely';
import { openDatabase, type RootDb } from '../../../src/db/database.ts';
import { migrateToLatest } from '../../../src/db/migrate.ts';
import { MIGRATIONS } from '../../../src/db/migrations/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-db.ts';

/**
 * Migrations are forward-only: a database made by an earlier release (here: the first four
 * migrations, as 0.1 shipped them) reaches the same schema as a new one.
 */
describe('migrating a database made by an earlier release', () => {
  let testDb: TestDatabase;
  let db: RootDb;

  before(async () => {
    testDb = await createTestDatabase();
    db = openDatabase(testDb.target);
    const earlier: Record<string, Migration> = {};
    for (const [name, module] of MIGRATIONS.slice(0, 4)) {
      earlier[name] = { up: (k: Kysely<any>) => module.up(k, db.dialect) };
    }
    const migrator = new Migrator({
      db: db.kysely,
      migrationTableSchema: await db.dialect.migrationSchema(db.kysely),
      provider: { getMigrations: async () => earlier },
    });
    const { error } = await migrator.migrateToLatest();
    assert.equal(error, undefined);
  });
  after(async () => {
    await db?.close();
    await testDb?.drop();
  });

  it('applies only the later migrations and drops the indexes every write paid for and no query used', async () => {
    const processIndexes = await db.dialect.listIndexNames(db.kysely, 'processes', 'processes_');
    assert.ok(processIndexes.includes('processes_updated'), 'the earlier schema is the starting point');

    assert.deepEqual(await migrateToLatest(db), MIGRATIONS.slice(4).map(([name]) => name));

    const after = new Set(await db.dialect.listIndexNames(db.kysely, 'processes', 'processes_'));
    assert.ok(!after.has('processes_updated') && !after.has('processes_record'), [...after].join(', '));
    assert.ok(after.has('processes_created') && after.has('processes_pk'));
    assert.deepEqual((await db.dialect.listIndexNames(db.kysely, 'background_job_entries', 'bg_entries_')).sort(), ['bg_entries_order', 'bg_entries_partition']);
    assert.deepEqual(await migrateToLatest(db), [], 'a second run has nothing to do');
  });
});
