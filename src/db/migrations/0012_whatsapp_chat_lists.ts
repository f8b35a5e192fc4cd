import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations see the schema as it was then */

/**
 * The chat list (API.md §8.5), measured at 100,000 chats of one team:
 * - ordered by creation (what clients ask for most after the default), a page read every chat
 *   and sorted them (about 100 ms on either database); the index reads just the page;
 * - a search finds the matching contacts first, then their chats; without an index by contact
 *   every chat of the team was read to find them (a few hundred ms on SQLite).
 * Neither column ever changes, so a new chat is the only write that pays for them.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('whatsapp_chats_created').on('whatsapp_chats').columns(['team_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('whatsapp_chats_contact').on('whatsapp_chats').columns(['team_id', 'contact_id']).execute();
}
