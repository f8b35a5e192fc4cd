import { Migrator, type Kysely, type Migration } from 'kysely';
import type { Db } from './database.ts';
import { MIGRATIONS } from './migrations/index.ts';

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
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new MigrationError(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
