import { sql, type Expression, type Insertable, type Selectable, type SqlBool, type Updateable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { WhatsappChatsTable, WhatsappContactsTable, WhatsappMessagesTable } from '../../db/schema.ts';
import { newId } from '../../shared/ids.ts';

export type ContactRow = Selectable<WhatsappContactsTable>;
export type ChatRow = Selectable<WhatsappChatsTable>;
export type MessageRow = Selectable<WhatsappMessagesTable>;
export type NewMessage = Insertable<WhatsappMessagesTable>;

/** The columns a chat list can be ordered by (each ties on the chat id, in the same direction). */
export type ChatOrderColumn = 'last_message_at' | 'created_at' | 'updated_at';

export interface ChatListQuery {
  readonly orderBy: ChatOrderColumn;
  readonly direction: 'asc' | 'desc';
  /** Text the contact's name contains, in any case, or null. */
  readonly nameContains: string | null;
  /** Digits the contact's phone contains, or null. */
  readonly phoneContains: string | null;
  readonly limit: number;
  readonly offset: number;
}

/** A chat with its contact and its newest message (null for a chat without messages). */
export interface ChatListRow {
  readonly chat: ChatRow;
  readonly contact: Pick<ContactRow, 'id' | 'phone' | 'name'>;
  readonly lastMessage: MessageRow | null;
}

/** Every message column, read under an `lm_` prefix beside a chat's; a column added to the table must be added here. */
const MESSAGE_COLUMN_SET: Record<keyof MessageRow, true> = {
  id: true, team_id: true, plugin_id: true, chat_id: true, contact_id: true, external_id: true, direction: true, data_type: true, body: true,
  text: true, attachments: true, delivery_status: true, delivery_error: true, timestamp: true, context: true, source: true, user_id: true,
  procedure_id: true, process_id: true, in_reply_to: true, created_at: true, updated_at: true,
};
const MESSAGE_COLUMNS = Object.keys(MESSAGE_COLUMN_SET) as (keyof MessageRow)[];

/** A LIKE pattern for "contains `text`", its wildcards escaped (the queries say `escape '\'`). */
const containsPattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

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

    ...chatReads(db),
  };
}

/** The reads of API.md §8.5 (lists and counts, on the read connections). */
function chatReads(db: Db) {
  const r = db.reads;

  /** The team's chats, narrowed to the contacts the search matches (read once, not per chat). */
  function matchingChats(teamId: string, query: Pick<ChatListQuery, 'nameContains' | 'phoneContains'>) {
    const searching = query.nameContains !== null || query.phoneContains !== null;
    return r.selectFrom('whatsapp_chats as c').where('c.team_id', '=', teamId)
      .$if(searching, (qb) => qb.where('c.contact_id', 'in', (eb) => eb.selectFrom('whatsapp_contacts as ct').select('ct.id').where('ct.team_id', '=', teamId)
        .where((inner) => {
          const either: Expression<SqlBool>[] = [];
          // lower() on both sides, so each database folds name and text alike (SQLite folds ASCII letters only).
          if (query.nameContains !== null) either.push(sql<SqlBool>`lower(${inner.ref('ct.name')}) like lower(${containsPattern(query.nameContains)}) escape '\\'`);
          if (query.phoneContains !== null) either.push(sql<SqlBool>`${inner.ref('ct.phone')} like ${containsPattern(query.phoneContains)} escape '\\'`);
          return inner.or(either);
        })));
  }

  return {
    /**
     * One page of the team's chats, each with its contact and newest message: one statement. The
     * page is chosen first, so contacts and newest messages are looked up for its chats only.
     */
    async listChats(teamId: string, query: ChatListQuery): Promise<ChatListRow[]> {
      const searching = query.nameContains !== null || query.phoneContains !== null;
      // A search usually matches few chats: `+ 0` keeps planners from walking the whole order
      // index looking for them one by one (a second on PostgreSQL at 100,000 chats); the
      // matches are sorted instead.
      const orderKey = searching ? sql<number>`${sql.ref(`c.${query.orderBy}`)} + 0` : sql.ref(`c.${query.orderBy}`);
      const page = matchingChats(teamId, query).selectAll('c')
        .orderBy(orderKey, query.direction).orderBy('c.id', query.direction)
        .limit(query.limit).offset(query.offset);
      const rows = await r.selectFrom(page.as('p'))
        .innerJoin('whatsapp_contacts as ct', (join) => join.onRef('ct.id', '=', 'p.contact_id').onRef('ct.team_id', '=', 'p.team_id'))
        .leftJoin('whatsapp_messages as lm', (join) => join.onRef('lm.team_id', '=', 'p.team_id').on((eb) => eb('lm.id', '=', eb.selectFrom('whatsapp_messages as m')
          .select('m.id').whereRef('m.chat_id', '=', 'p.id').orderBy('m.created_at', 'desc').orderBy('m.id', 'desc').limit(1))))
        .selectAll('p')
        .select(['ct.phone as contact_phone', 'ct.name as contact_name'])
        .select(MESSAGE_COLUMNS.map((column) => sql.ref(`lm.${column}`).as(`lm_${column}`)))
        .orderBy(`p.${query.orderBy}`, query.direction).orderBy('p.id', query.direction)
        .execute();
      return rows.map((row) => {
        const raw = row as unknown as Record<string, unknown>;
        const lastMessage = raw.lm_id === null ? null : Object.fromEntries(MESSAGE_COLUMNS.map((column) => [column, raw[`lm_${column}`]])) as unknown as MessageRow;
        const chat: ChatRow = {
          id: row.id, team_id: row.team_id, plugin_id: row.plugin_id, phone_number_id: row.phone_number_id, contact_id: row.contact_id,
          status: row.status, last_message_at: row.last_message_at, created_at: row.created_at, updated_at: row.updated_at,
        };
        return { chat, contact: { id: row.contact_id, phone: row.contact_phone, name: row.contact_name }, lastMessage };
      });
    },

    async countChats(teamId: string, query: Pick<ChatListQuery, 'nameContains' | 'phoneContains'>): Promise<number> {
      const row = await matchingChats(teamId, query).select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
      return Number(row.total);
    },

    /** How many messages a chat of the team has; undefined when the team has no such chat. */
    async countChatMessages(teamId: string, chatId: string): Promise<number | undefined> {
      const row = await r.selectFrom('whatsapp_chats as c').where('c.team_id', '=', teamId).where('c.id', '=', chatId)
        .select((eb) => eb.selectFrom('whatsapp_messages as m').whereRef('m.chat_id', '=', 'c.id').select(eb.fn.countAll<number>().as('n')).as('total'))
        .executeTakeFirst();
      return row === undefined ? undefined : Number(row.total);
    },

    /** One page of a chat's messages, newest first (the order the chat index keeps). */
    chatMessages(teamId: string, chatId: string, limit: number, offset: number): Promise<MessageRow[]> {
      return r.selectFrom('whatsapp_messages').selectAll().where('team_id', '=', teamId).where('chat_id', '=', chatId)
        .orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute();
    },

    /** One page of the messages with one customer phone number, across the team's chats, newest first. */
    contactMessages(teamId: string, phone: string, limit: number, offset: number): Promise<MessageRow[]> {
      return r.selectFrom('whatsapp_messages').selectAll().where('team_id', '=', teamId)
        .where('contact_id', '=', (eb) => eb.selectFrom('whatsapp_contacts').select('id').where('team_id', '=', teamId).where('phone', '=', phone))
        .orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute();
    },

    async countContactMessages(teamId: string, phone: string): Promise<number> {
      const row = await r.selectFrom('whatsapp_messages').where('team_id', '=', teamId)
        .where('contact_id', '=', (eb) => eb.selectFrom('whatsapp_contacts').select('id').where('team_id', '=', teamId).where('phone', '=', phone))
        .select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
      return Number(row.total);
    },
  };
}

export type ChatsRepo = ReturnType<typeof createChatsRepo>;
