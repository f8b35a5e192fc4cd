import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { WhatsappChatsTable, WhatsappContactsTable, WhatsappMessagesTable } from '../../db/schema.ts';
import { newId } from '../../shared/ids.ts';

export type ContactRow = Selectable<WhatsappContactsTable>;
export type ChatRow = Selectable<WhatsappChatsTable>;
export type MessageRow = Selectable<WhatsappMessagesTable>;
export type NewMessage = Insertable<WhatsappMessagesTable>;

/** Contacts, chats and their messages; every method is scoped by team. */
export function createChatsRepo(db: Db) {
  const q = db.kysely;
  return {
    /** The team's contact for a phone number, created when new (concurrent writers agree on one); one statement. */
    async contactFor(teamId: string, phone: string, name: string | null, now: number): Promise<ContactRow> {
      return q.insertInto('whatsapp_contacts')
        .values({ id: newId(), team_id: teamId, phone, name, created_at: now, updated_at: now })
        .onConflict((c) => c.columns(['team_id', 'phone']).doUpdateSet((eb) => ({
          // A name Meta tells us replaces the one kept; an outbound message knows none.
          name: eb.fn.coalesce(eb.ref('excluded.name'), eb.ref('whatsapp_contacts.name')),
          updated_at: name === null ? eb.ref('whatsapp_contacts.updated_at') : eb.ref('excluded.updated_at'),
        })))
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    /** The chat between a business number and a contact, created when new; a message re-opens it. One statement. */
    async chatFor(teamId: string, pluginId: string, phoneNumberId: string, contactId: string, now: number): Promise<ChatRow> {
      return q.insertInto('whatsapp_chats')
        .values({
          id: newId(), team_id: teamId, plugin_id: pluginId, phone_number_id: phoneNumberId, contact_id: contactId,
          status: 'OPEN', last_message_at: now, created_at: now, updated_at: now,
        })
        .onConflict((c) => c.columns(['team_id', 'plugin_id', 'phone_number_id', 'contact_id']).doUpdateSet((eb) => ({
          status: 'OPEN',
          // Messages may be recorded out of order: the chat keeps the latest time.
          last_message_at: eb.case().when('excluded.last_message_at', '>', eb.ref('whatsapp_chats.last_message_at'))
            .then(eb.ref('excluded.last_message_at')).else(eb.ref('whatsapp_chats.last_message_at')).end(),
          updated_at: eb.ref('excluded.updated_at'),
        })))
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async insertMessage(row: NewMessage): Promise<void> {
      await q.insertInto('whatsapp_messages').values(row).execute();
    },

    async updateMessage(teamId: string, id: string, changes: Updateable<WhatsappMessagesTable>): Promise<void> {
      await q.updateTable('whatsapp_messages').set(changes).where('team_id', '=', teamId).where('id', '=', id).execute();
    },

    findMessage(teamId: string, id: string): Promise<MessageRow | undefined> {
      return q.selectFrom('whatsapp_messages').selectAll().where('team_id', '=', teamId).where('id', '=', id).executeTakeFirst();
    },

    findMessageByExternalId(teamId: string, externalId: string): Promise<MessageRow | undefined> {
      return q.selectFrom('whatsapp_messages').selectAll().where('team_id', '=', teamId).where('external_id', '=', externalId).executeTakeFirst();
    },
  };
}

export type ChatsRepo = ReturnType<typeof createChatsRepo>;
