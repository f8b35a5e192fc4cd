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
    /** The team's contact for a phone number, created when new (concurrent writers agree on one). */
    async contactFor(teamId: string, phone: string, name: string | null, now: number): Promise<ContactRow> {
      await q.insertInto('whatsapp_contacts')
        .values({ id: newId(), team_id: teamId, phone, name, created_at: now, updated_at: now })
        .onConflict((c) => c.columns(['team_id', 'phone']).doNothing())
        .execute();
      const contact = await q.selectFrom('whatsapp_contacts').selectAll().where('team_id', '=', teamId).where('phone', '=', phone).executeTakeFirstOrThrow();
      if (name !== null && contact.name !== name) {
        await q.updateTable('whatsapp_contacts').set({ name, updated_at: now }).where('team_id', '=', teamId).where('id', '=', contact.id).execute();
        return { ...contact, name, updated_at: now };
      }
      return contact;
    },

    /** The chat between a business number and a contact, created when new; a message re-opens it. */
    async chatFor(teamId: string, pluginId: string, phoneNumberId: string, contactId: string, now: number): Promise<ChatRow> {
      await q.insertInto('whatsapp_chats')
        .values({
          id: newId(), team_id: teamId, plugin_id: pluginId, phone_number_id: phoneNumberId, contact_id: contactId,
          status: 'OPEN', last_message_at: now, created_at: now, updated_at: now,
        })
        .onConflict((c) => c.columns(['team_id', 'plugin_id', 'phone_number_id', 'contact_id']).doNothing())
        .execute();
      const where = q.selectFrom('whatsapp_chats').selectAll().where('team_id', '=', teamId).where('plugin_id', '=', pluginId)
        .where('phone_number_id', '=', phoneNumberId).where('contact_id', '=', contactId);
      const chat = await where.executeTakeFirstOrThrow();
      if (chat.status !== 'OPEN' || chat.last_message_at < now) {
        await q.updateTable('whatsapp_chats').set({ status: 'OPEN', last_message_at: Math.max(now, chat.last_message_at), updated_at: now })
          .where('team_id', '=', teamId).where('id', '=', chat.id).execute();
        return { ...chat, status: 'OPEN', last_message_at: Math.max(now, chat.last_message_at), updated_at: now };
      }
      return chat;
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
