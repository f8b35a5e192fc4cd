import type { Db } from '../../db/database.ts';
import type { PhotosTable } from '../../db/schema.ts';

export type PhotoRow = PhotosTable;

/** The only SQL of photos. Every method is scoped by team, except the one a signed link uses. */
export function createPhotosRepo(db: Db) {
  return {
    async insert(row: PhotoRow): Promise<void> {
      await db.kysely.insertInto('photos').values(row).execute();
    },

    async findById(teamId: string, photoId: string): Promise<PhotoRow | undefined> {
      return db.kysely.selectFrom('photos').selectAll().where('team_id', '=', teamId).where('id', '=', photoId).executeTakeFirst();
    },

    /** Which of `photoIds` are photos of the team, with who uploaded each. */
    async uploaders(teamId: string, photoIds: readonly string[]): Promise<Map<string, string | null>> {
      if (photoIds.length === 0) return new Map();
      const rows = await db.kysely.selectFrom('photos').select(['id', 'user_id']).where('team_id', '=', teamId).where('id', 'in', [...photoIds]).execute();
      return new Map(rows.map((r) => [r.id, r.user_id]));
    },

    /**
     * A download link carries no token, so no team: its HMAC signature, verified before this
     * is called, is what grants access to exactly this photo.
     */
    async findForSignedLink(photoId: string): Promise<PhotoRow | undefined> {
      return db.kysely.selectFrom('photos').selectAll().where('id', '=', photoId).executeTakeFirst();
    },
  };
}

export type PhotosRepo = ReturnType<typeof createPhotosRepo>;
