import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { AttributeModel } from '../procedures/procedure-model.ts';
import { procedureTable } from './process-tables.ts';

/** The attributes of one procedure or state task whose values are photo ids, by shortId. */
export interface PhotoAttributeKeys {
  /** The procedure's or the state task's id. */
  readonly ownerId: string;
  readonly photo: readonly string[];
  readonly multiPhotos: readonly string[];
}

/** Null when none of the attributes holds photos. */
export function photoAttributeKeys(ownerId: string, attributes: Iterable<AttributeModel>): PhotoAttributeKeys | null {
  const list = [...attributes];
  const photo = list.filter((a) => a.type === 'photo').map((a) => a.shortId);
  const multiPhotos = list.filter((a) => a.type === 'multiPhotos').map((a) => a.shortId);
  return photo.length + multiPhotos.length === 0 ? null : { ownerId, photo, multiPhotos };
}

/** True when the row's `data` holds `photoId` in one of the attributes (stored ids are lower case). */
function dataHoldsPhoto(db: Db, keys: PhotoAttributeKeys, photoId: string): RawBuilder<boolean> {
  const terms = [
    ...keys.photo.map((key) => sql`${db.dialect.jsonValue('data', key, 'text')} = ${photoId}`),
    ...keys.multiPhotos.map((key) => db.dialect.jsonArrayContains('data', key, photoId, 'text')),
  ];
  return sql<boolean>`(${sql.join(terms, sql` or `)})`;
}

/** Ids per IN list: well under both databases' bound-parameter limits. */
const IN_CHUNK = 500;

export function createProcessPhotoReferencesRepo(db: Db) {
  /** The rule of process-visibility.ts `isVisible`, in SQL. */
  const visibleTo = (users: readonly string[]) => sql<boolean>`(assigned_to in (${sql.join(users)}) or created_by in (${sql.join(users)}))`;
  return {
    /**
     * Whether a live process of one of these procedures, assigned to or created by one of
     * `users`, holds the photo. One query per procedure table; is_deleted is a literal so the
     * partial attribute indexes (process-tables.repo.ts) can serve the `photo` comparison.
     */
    async referencedByVisible(teamId: string, photoId: string, procedures: readonly PhotoAttributeKeys[], users: readonly string[]): Promise<boolean> {
      if (users.length === 0) return false;
      for (const keys of procedures) {
        const found = await db.kysely.selectFrom(procedureTable(keys.ownerId)).select('id')
          .where('team_id', '=', teamId)
          .where(sql<boolean>`is_deleted = 0`)
          .where(dataHoldsPhoto(db, keys, photoId))
          .where(visibleTo(users))
          .limit(1).executeTakeFirst();
        if (found) return true;
      }
      return false;
    },

    /** Whether any of these processes (by procedure id) is live and assigned to or created by one of `users`. */
    async anyVisible(teamId: string, processIds: ReadonlyMap<string, readonly string[]>, users: readonly string[]): Promise<boolean> {
      if (users.length === 0) return false;
      for (const [procedureId, ids] of processIds) {
        for (let i = 0; i < ids.length; i += IN_CHUNK) {
          const found = await db.kysely.selectFrom(procedureTable(procedureId)).select('id')
            .where('team_id', '=', teamId).where('id', 'in', ids.slice(i, i + IN_CHUNK)).where(sql<boolean>`is_deleted = 0`)
            .where(visibleTo(users))
            .limit(1).executeTakeFirst();
          if (found) return true;
        }
      }
      return false;
    },
  };
}
