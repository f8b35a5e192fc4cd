import { Type, type Static } from 'typebox';
import { Nullable, SafeInteger } from '../../http/schema-types.ts';

/** Page size: 20 unless given, at most 100 (a larger value is refused, not clamped). */
export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
/** Pages count from 1; the bound keeps the row offset far inside what SQL and JSON numbers hold. */
export const MAX_PAGE = 1_000_000;

const Paging = {
  limit: Type.Optional(SafeInteger({ minimum: 1, maximum: MAX_LIMIT, description: `Items per page: ${DEFAULT_LIMIT} unless given, at most ${MAX_LIMIT}` })),
  page: Type.Optional(SafeInteger({ minimum: 1, maximum: MAX_PAGE, description: 'Which page, counting from 1 (the default)' })),
};

export const ChatListBody = Type.Object({
  ...Paging,
  orderField: Type.Optional(Type.Enum(['lastMessageAt', 'createdAt', 'updatedAt'], { description: 'lastMessageAt (the default), createdAt or updatedAt' })),
  orderDirection: Type.Optional(Type.Enum(['desc', 'asc', 'DESC', 'ASC'], { description: 'desc (the default, newest first) or asc' })),
  search: Type.Optional(Type.String({
    maxLength: 100,
    description: "Chats whose contact's name contains this text (any case), or whose phone contains these digits (+, spaces and dashes ignored); empty means all",
  })),
}, { additionalProperties: false });
export type ChatListBody = Static<typeof ChatListBody>;
export type ChatOrderField = NonNullable<ChatListBody['orderField']>;

export const ChatMessagesBody = Type.Object(Paging, { additionalProperties: false });
export type ChatMessagesBody = Static<typeof ChatMessagesBody>;

export const PhoneMessagesBody = Type.Object({
  customerPhoneNumber: Type.Union([Type.String({ maxLength: 40 }), SafeInteger({ minimum: 0 })], {
    description: 'The customer\'s number with country code: 8 to 15 digits (a leading +, spaces and dashes are ignored)',
  }),
  ...Paging,
}, { additionalProperties: false });
export type PhoneMessagesBody = Static<typeof PhoneMessagesBody>;

export const ChatParams = Type.Object({ chatId: Type.String({ description: 'Chat UUID' }) });

/** The stored chat message of API.md §8.1 (chats.mapper.ts `toChatMessageWire`). */
export const ChatMessageWire = Type.Object({
  id: Type.String(), createdAt: Type.Integer(), updatedAt: Type.Integer(),
  externalId: Nullable(Type.String({ description: "Meta's message id (wamid); null until Meta accepted the message" })),
  provider: Type.String(), dataType: Type.String({ description: 'text, image, template, …' }),
  body: Type.Object({ body: Type.String() }), text: Nullable(Type.String()), attachments: Nullable(Type.Array(Type.Unknown())),
  deliveryStatus: Type.String({ description: 'PENDING | SENT | DELIVERED | READ | FAILED' }), deliveryError: Type.Unknown(),
  direction: Type.String({ description: 'INBOUND | OUTBOUND' }), timestamp: Type.Integer(),
  context: Type.Object({ contactIdentifier: Nullable(Type.String()), messageTemplateId: Nullable(Type.String()) }),
  adhocAgent: Type.Null(), source: Type.Unknown(), team: Type.String(), chat: Type.String(), plugin: Type.String(), contact: Type.String(),
  user: Nullable(Type.String()), procedure: Nullable(Type.String()), process: Nullable(Type.String()), campaign: Type.Null(), inReplyTo: Nullable(Type.String()),
}, { additionalProperties: true });

/** A chat (chats.mapper.ts `toChatWire`). */
export const ChatWire = Type.Object({
  id: Type.String(), createdAt: Type.Integer(), updatedAt: Type.Integer(),
  status: Type.String({ description: 'OPEN (a new message re-opens a chat) | CLOSED' }), provider: Type.String(), team: Type.String(), plugin: Type.String(),
  whatsappPhoneNumberId: Type.String({ description: "The business phone number's id at Meta" }),
  contact: Type.Object({ id: Type.String(), phone: Type.String({ description: 'Digits with country code' }), name: Nullable(Type.String()) }),
  lastMessageAt: Type.Integer(), lastMessage: Nullable(ChatMessageWire),
}, { additionalProperties: true });

export const PageMeta = Type.Object({
  total: Type.Integer({ description: 'How many items match, over all pages' }), page: Type.Integer(), limit: Type.Integer(),
  hasMore: Type.Boolean({ description: 'Whether a later page has items' }),
});
