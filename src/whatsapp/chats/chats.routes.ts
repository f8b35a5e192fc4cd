import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { principalOf } from '../../http/auth.ts';
import { envelope } from '../../http/envelope.ts';
import type { ChatsService } from './chats.service.ts';
import { ChatListBody, ChatMessagesBody, ChatMessageWire, ChatParams, ChatWire, PageMeta, PhoneMessagesBody } from './chats.schemas.ts';

const page = <T extends Parameters<typeof Type.Array>[0]>(item: T) => ({ 200: Type.Object({ _data: Type.Array(item), _meta: PageMeta }) });

/** API.md §8.5: the chat log, read back. Any role type may read. */
export function chatsRoutes(service: ChatsService) {
  return async (root: FastifyInstance): Promise<void> => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['whatsapp'];

    app.post('/v1/ext/chat', {
      schema: { tags, summary: 'List chats', body: ChatListBody, response: page(ChatWire) },
    }, async (request) => {
      const result = await service.listChats(principalOf(request), request.body ?? {});
      return envelope(result.chats, result.meta);
    });

    app.post('/v1/ext/chat/:chatId/message', {
      schema: { tags, summary: 'List chat messages for a chat (newest first)', params: ChatParams, body: ChatMessagesBody, response: page(ChatMessageWire) },
    }, async (request) => {
      const result = await service.chatMessages(principalOf(request), request.params.chatId, request.body ?? {});
      return envelope(result.messages, result.meta);
    });

    app.post('/v1/ext/plugin/whatsapp/list-chat-messages-for-phone-number', {
      schema: { tags, summary: 'List previous messages for a phone number (newest first)', body: PhoneMessagesBody, response: page(ChatMessageWire) },
    }, async (request) => {
      const result = await service.messagesForPhone(principalOf(request), request.body);
      return envelope(result.messages, result.meta);
    });
  };
}
