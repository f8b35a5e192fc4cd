import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { WhatsappMediaTable, WhatsappPublicMediaTable } from '../../db/schema.ts';

export type PublicMediaRow = Selectable<WhatsappPublicMediaTable>;
export type MediaRow = Selectable<WhatsappMediaTable>;

/** Public media files. Reading one by its path is not scoped by team: the path is the capability. */
export function createPublicMediaRepo(db: Db) {
  return {
    async insert(row: Insertable<WhatsappPublicMediaTable>): Promise<void> {
      await db.kysely.insertInto('whatsapp_public_media').values(row).execute();
    },
    findByPath(path: string): Promise<PublicMediaRow | undefined> {
      return db.kysely.selectFrom('whatsapp_public_media').selectAll().where('path', '=', path).executeTakeFirst();
    },
  };
}

/** WhatsApp media kept for Fetch / Show Media; every method is scoped by team. */
export function createMediaRepo(db: Db) {
  return {
    find(teamId: string, mediaId: string): Promise<MediaRow | undefined> {
      return db.kysely.selectFrom('whatsapp_media').selectAll().where('team_id', '=', teamId).where('media_id', '=', mediaId).executeTakeFirst();
    },
    /** First writer wins: two requests pulling the same media at once keep one copy. */
    async insert(row: MediaRow): Promise<boolean> {
      const result = await db.kysely.insertInto('whatsapp_media').values(row).onConflict((c) => c.columns(['team_id', 'media_id']).doNothing()).executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
    },
  };
}
