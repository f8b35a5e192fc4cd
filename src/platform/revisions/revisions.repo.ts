import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { CacheRevisionsTable } from '../../db/schema.ts';

export type RevisionName = CacheRevisionsTable['name'];

/** Shared counters, not team data: one tiny table read by every process's cache watcher. */
export function createRevisionsRepo(db: Db) {
  return {
    async readAll(): Promise<Map<RevisionName, number>> {
      const rows = await db.kysely.selectFrom('cache_revisions').select(['name', 'revision']).execute();
      return new Map(rows.map((r) => [r.name, Number(r.revision)]));
    },
    /** Call in the transaction that makes cached copies stale. */
    async bump(name: RevisionName): Promise<void> {
      await db.kysely.updateTable('cache_revisions').set({ revision: sql`revision + 1` }).where('name', '=', name).execute();
    },
  };
}
