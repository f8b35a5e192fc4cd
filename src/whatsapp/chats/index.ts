import { chatsRoutes } from './chats.routes.ts';
import { createChatsService, type ChatsDeps } from './chats.service.ts';

export type { ChatsService } from './chats.service.ts';
export { createChatsRepo } from './chats.repo.ts';

/**
 * Reading the WhatsApp chat log: chats and their messages (API.md §8.5). What the contract
 * leaves open is settled so:
 * - paging: `limit` 20 unless given, 1 to 100 (outside → 400, not clamped); `page` from 1;
 *   `_meta` is `{total, page, limit, hasMore}`; a page past the end is empty, still 200;
 * - chats order by `lastMessageAt` (default), `createdAt` or `updatedAt`, `desc` (default) or
 *   `asc` (either case), ties broken by id in the same direction;
 * - `search` matches the contact's name (substring, any case) or, when it is written like a
 *   phone number, the contact's phone (digits substring); empty means no filter;
 * - messages come newest first by when they were stored;
 * - an unknown, malformed or other team's chat id is 404; a phone number the team never
 *   exchanged messages with lists nothing (200, total 0); `customerPhoneNumber` may be a string
 *   or a JSON integer and is normalised like a template send's `phoneNumber`;
 * - every role type reads every chat of its team (USER keys too).
 */
export function createChatsModule(deps: ChatsDeps) {
  const service = createChatsService(deps);
  return { service, routes: chatsRoutes(service) };
}
