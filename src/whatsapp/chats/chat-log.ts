import type { Db } from '../../db/database.ts';
import { newId } from '../../shared/ids.ts';
import type { OutboundSummary } from '../messages/outbound-message.ts';
import { createChatsRepo, type MessageRow } from './chats.repo.ts';

export interface OutboundRecord {
  readonly teamId: string;
  readonly pluginId: string;
  readonly phoneNumberId: string;
  readonly summary: OutboundSummary;
  /** The message object sent to Meta. */
  readonly body: unknown;
  readonly userId: string | null;
  readonly now: number;
  readonly context?: Record<string, unknown>;
  readonly source: { readonly sourceId: string | null; readonly sourceType: string };
  readonly procedureId?: string | null;
  readonly processId?: string | null;
}

/**
 * Keeps an outbound message before it is sent: its contact and chat (created or re-opened) and
 * the message, PENDING and without Meta's id, all in the caller's transaction. The send happens
 * after the commit; its outcome is written with `markAccepted` or `markFailed`.
 */
export async function recordOutbound(tx: Db, record: OutboundRecord): Promise<MessageRow> {
  const repo = createChatsRepo(tx);
  const contact = await repo.contactFor(record.teamId, record.summary.recipient, null, record.now);
  const chat = await repo.chatFor(record.teamId, record.pluginId, record.phoneNumberId, contact.id, record.now);
  const row: MessageRow = {
    id: newId(), team_id: record.teamId, plugin_id: record.pluginId, chat_id: chat.id, contact_id: contact.id, external_id: null,
    direction: 'OUTBOUND', data_type: record.summary.dataType, body: record.body, text: record.summary.text,
    attachments: record.summary.attachments, delivery_status: 'PENDING', delivery_error: null, timestamp: record.now,
    context: record.context ?? {}, source: record.source, user_id: record.userId, procedure_id: record.procedureId ?? null,
    process_id: record.processId ?? null, in_reply_to: record.summary.inReplyTo, created_at: record.now, updated_at: record.now,
  };
  await repo.insertMessage({
    ...row, body: JSON.stringify(row.body), attachments: JSON.stringify(row.attachments), delivery_error: null,
    context: JSON.stringify(row.context), source: JSON.stringify(row.source),
  });
  return row;
}

/** Meta accepted the message: its wamid is kept; the status stays PENDING until status events come. */
export async function markAccepted(db: Db, message: MessageRow, externalId: string, now: number): Promise<MessageRow> {
  await createChatsRepo(db).updateMessage(message.team_id, message.id, { external_id: externalId, updated_at: now });
  return { ...message, external_id: externalId, updated_at: now };
}

/** Meta refused the message, or gave no answer (then whether it was sent is unknown; it is not re-sent). */
export async function markFailed(db: Db, message: MessageRow, error: Record<string, unknown>, now: number): Promise<void> {
  await createChatsRepo(db).updateMessage(message.team_id, message.id, { delivery_status: 'FAILED', delivery_error: JSON.stringify(error), updated_at: now });
}
