import type { Db } from '../../db/database.ts';
import type { Principal } from '../../http/auth.ts';
import { isUuid } from '../../shared/ids.ts';
import { recipientPhone } from '../templates/template-values.ts';
import { chatNotFound } from './chats.errors.ts';
import { toChatMessageWire, toChatWire } from './chats.mapper.ts';
import { createChatsRepo, type ChatListQuery, type ChatOrderColumn } from './chats.repo.ts';
import { DEFAULT_LIMIT, type ChatListBody, type ChatMessagesBody, type ChatOrderField, type PhoneMessagesBody } from './chats.schemas.ts';

export interface ChatsDeps {
  readonly db: Db;
}

const ORDER_COLUMNS: Record<ChatOrderField, ChatOrderColumn> = { lastMessageAt: 'last_message_at', createdAt: 'created_at', updatedAt: 'updated_at' };

/** `page` counts from 1; the schema bounds both numbers. */
function paging(body: { limit?: number; page?: number }) {
  const limit = body.limit ?? DEFAULT_LIMIT;
  const page = body.page ?? 1;
  return { limit, page, offset: (page - 1) * limit };
}

/** `_meta` of a page: `total` counts every match over all pages. */
const pageMeta = ({ limit, page, offset }: ReturnType<typeof paging>, total: number) => ({ total, page, limit, hasMore: offset + limit < total });

/**
 * What `search` matches: the contact's name containing the text, in any case (letters outside
 * ASCII: as the database folds them; SQLite matches those only in the case given); and, when the
 * text is a phone number fragment (digits, with any `+`, spaces, dashes, dots or brackets, which
 * are dropped), the contact's phone containing those digits. Either one is enough.
 */
function searchFilter(search: string | undefined): Pick<ChatListQuery, 'nameContains' | 'phoneContains'> {
  const text = search?.trim() ?? '';
  if (text === '') return { nameContains: null, phoneContains: null };
  const digits = text.replace(/[\s+\-().]/g, '');
  return { nameContains: text, phoneContains: /^\d+$/.test(digits) ? digits : null };
}

/**
 * The chat log read back (API.md §8.5). Every role type may read every chat of its team: a chat
 * belongs to the team's WhatsApp number, not to a user, so USER keys see them all too.
 */
export function createChatsService({ db }: ChatsDeps) {
  const readJson = db.dialect.readJson;

  return {
    /** The team's chats, newest activity first unless asked otherwise; `_meta.total` counts every match. */
    async listChats(principal: Principal, body: ChatListBody) {
      const paged = paging(body);
      const filter = searchFilter(body.search);
      const query: ChatListQuery = {
        ...filter, limit: paged.limit, offset: paged.offset,
        orderBy: ORDER_COLUMNS[body.orderField ?? 'lastMessageAt'],
        direction: body.orderDirection?.toLowerCase() === 'asc' ? 'asc' : 'desc',
      };
      const repo = createChatsRepo(db);
      const [rows, total] = await Promise.all([repo.listChats(principal.teamId, query), repo.countChats(principal.teamId, filter)]);
      return { chats: rows.map((row) => toChatWire(row, readJson)), meta: pageMeta(paged, total) };
    },

    /** One chat's messages, newest first; an id that is not one of the team's chats is 404. */
    async chatMessages(principal: Principal, chatId: string, body: ChatMessagesBody) {
      if (!isUuid(chatId)) throw chatNotFound();
      const paged = paging(body);
      const repo = createChatsRepo(db);
      const total = await repo.countChatMessages(principal.teamId, chatId);
      if (total === undefined) throw chatNotFound();
      const rows = paged.offset < total ? await repo.chatMessages(principal.teamId, chatId, paged.limit, paged.offset) : [];
      return { messages: rows.map((row) => toChatMessageWire(row, readJson)), meta: pageMeta(paged, total) };
    },

    /**
     * Every message exchanged with one customer number, over all of the team's plugins and
     * numbers, newest first. A number the team never messaged has no messages (not a 404).
     */
    async messagesForPhone(principal: Principal, body: PhoneMessagesBody) {
      const phone = recipientPhone(String(body.customerPhoneNumber), 'customerPhoneNumber');
      const paged = paging(body);
      const repo = createChatsRepo(db);
      const [rows, total] = await Promise.all([
        repo.contactMessages(principal.teamId, phone, paged.limit, paged.offset), repo.countContactMessages(principal.teamId, phone),
      ]);
      return { messages: rows.map((row) => toChatMessageWire(row, readJson)), meta: pageMeta(paged, total) };
    },
  };
}

export type ChatsService = ReturnType<typeof createChatsService>;
