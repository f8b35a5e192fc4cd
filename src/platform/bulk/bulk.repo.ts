import type { Db } from '../../db/database.ts';

const CHUNK = 500;

/** The reads bulk acceptance needs besides the job tables. */
export function createBulkRepo(db: Db) {
  return {
    /** The primary-key value of each live process of the procedure among `ids`. */
    async pkValuesOf(teamId: string, procedureId: string, ids: readonly string[]): Promise<Map<string, string>> {
      const out = new Map<string, string>();
      for (let i = 0; i < ids.length; i += CHUNK) {
        const rows = await db.kysely.selectFrom('processes').select(['id', 'pk_value'])
          .where('team_id', '=', teamId).where('procedure_id', '=', procedureId).where('is_deleted', '=', 0)
          .where('id', 'in', ids.slice(i, i + CHUNK)).execute();
        for (const row of rows) if (row.pk_value !== null) out.set(row.id, row.pk_value);
      }
      return out;
    },
  };
}
