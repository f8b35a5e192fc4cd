import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { PhotoAttributeKeys } from '../processes/index.ts';

/**
 * True when the task's `data` holds `photoId` in one of the attributes (stored ids are lower
 * case). Built here, against the tasks table's own layout, rather than borrowed from processes.
 */
function taskDataHoldsPhoto(db: Db, keys: PhotoAttributeKeys, photoId: string): RawBuilder<boolean> {
  const terms = [
    ...keys.photo.map((key) => sql`${db.dialect.jsonValue('data', key, 'text')} = ${photoId}`),
    ...keys.multiPhotos.map((key) => db.dialect.jsonArrayContains('data', key, photoId, 'text')),
  ];
  return sql<boolean>`(state_task_id = ${keys.ownerId} and (${sql.join(terms, sql` or `)}))`;
}

export function createTaskPhotoReferencesRepo(db: Db) {
  return {
    /** The processes of the live tasks (of these state tasks) whose data holds the photo. */
    /** The processes (by procedure id) whose live tasks hold the photo. */
    async processIdsReferencing(teamId: string, photoId: string, stateTasks: readonly PhotoAttributeKeys[]): Promise<Map<string, string[]>> {
      const out = new Map<string, string[]>();
      if (stateTasks.length === 0) return out;
      const rows = await db.kysely.selectFrom('tasks').select(['procedure_id', 'process_id']).distinct()
        .where('team_id', '=', teamId).where('is_deleted', '=', 0)
        .where(sql<boolean>`(${sql.join(stateTasks.map((keys) => taskDataHoldsPhoto(db, keys, photoId)), sql` or `)})`)
        .execute();
      for (const row of rows) out.set(row.procedure_id, [...(out.get(row.procedure_id) ?? []), row.process_id]);
      return out;
    },
  };
}
