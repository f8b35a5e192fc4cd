import { Migrator, type Kysely, type Migration } from 'kysely';
import type { Db } from './database.ts';
import { MIGRATIONS } from './migrations/index.ts';

const CATALOG_RACE_RETRIES = 5;

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/**
 * Brings the schema up to date. Runs in one transaction under the dialect's migration lock
 * (PostgreSQL advisory lock; SQLite's write lock), so several processes starting at once
 * apply each migration exactly once. Returns the names applied now.
 */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrations: Record<string, Migration> = {};
  for (const [name, module] of MIGRATIONS) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see migrations/index.ts
    migrations[name] = { up: (k: Kysely<any>) => module.up(k, db.dialect) };
  }
  const migrator = new Migrator({
    db: db.kysely,
    migrationTableSchema: await db.dialect.migrationSchema(db.kysely),
    provider: { getMigrations: async () => migrations },
  });
  let outcome = await migrator.migrateToLatest();
  // Whole migrations run in one transaction, so a failed attempt left nothing behind to undo.
  for (let attempt = 1; outcome.error && db.dialect.isCatalogRace(outcome.error) && attempt < CATALOG_RACE_RETRIES; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    outcome = await migrator.migrateToLatest();
  }
  const { error, results } = outcome;
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new MigrationError(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
