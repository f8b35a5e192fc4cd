import type { ChatListRow, MessageRow } from './chats.repo.ts';

type ReadJson = (value: unknown) => unknown;
const json = (value: unknown, readJson: ReadJson): unknown => (typeof value === 'string' ? JSON.parse(value) : readJson(value));

/** A chat message as ChakraHQ answers it (API.md §8.1; the official SDK's chat message type). */
export function toChatMessageWire(row: MessageRow, readJson: ReadJson) {
  const attachments = json(row.attachments, readJson) as unknown[] | null;
  const context = (json(row.context, readJson) ?? {}) as Record<string, unknown>;
  return {
    id: row.id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    externalId: row.external_id,
    provider: 'whatsapp',
    dataType: row.data_type,
    body: { body: row.text ?? '' },
    text: row.text,
    attachments: attachments && attachments.length > 0 ? attachments : null,
    deliveryStatus: row.delivery_status,
    deliveryError: json(row.delivery_error, readJson) ?? null,
    direction: row.direction,
    timestamp: row.timestamp,
    context: { contactIdentifier: (context.contactIdentifier as string | undefined) ?? null, messageTemplateId: (context.messageTemplateId as string | undefined) ?? null },
    adhocAgent: null,
    source: json(row.source, readJson),
    team: row.team_id,
    chat: row.chat_id,
    plugin: row.plugin_id,
    contact: row.contact_id,
    user: row.user_id,
    procedure: row.procedure_id,
    process: row.process_id,
    campaign: null,
    inReplyTo: row.in_reply_to,
  };
}

export type ChatMessageWire = ReturnType<typeof toChatMessageWire>;

/**
 * A chat as this server answers it (API.md §8.5; ChakraHQ documents no shape): the conversation
 * between one business phone number of a plugin and one customer, with its newest message.
 */
export function toChatWire(row: ChatListRow, readJson: ReadJson) {
  const { chat, contact, lastMessage } = row;
  return {
    id: chat.id,
    createdAt: chat.created_at,
    updatedAt: chat.updated_at,
    status: chat.status,
    provider: 'whatsapp',
    team: chat.team_id,
    plugin: chat.plugin_id,
    whatsappPhoneNumberId: chat.phone_number_id,
    contact: { id: contact.id, phone: contact.phone, name: contact.name },
    lastMessageAt: chat.last_message_at,
    lastMessage: lastMessage === null ? null : toChatMessageWire(lastMessage, readJson),
  };
}

export type ChatWire = ReturnType<typeof toChatWire>;
