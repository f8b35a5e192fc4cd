import type { Db } from '../../db/database.ts';
import { newId } from '../../shared/ids.ts';
import type { Clock } from '../../shared/time.ts';
import type { ProcessesService } from '../../platform/processes/index.ts';
import type { WebhookPublisher } from '../../webhooks/index.ts';
import { createChatsRepo } from '../chats/index.ts';
import type { PluginRow } from '../plugins/index.ts';
import { createForwarder } from './inbound-forward.ts';
import { attachmentsOf, textOf, type InboundMessage, type ParsedEvent } from './inbound-payload.ts';
import { createInboundRepo, type InboundEventRow } from './inbound.repo.ts';

export interface ApplyDeps {
  readonly clock: Clock;
  readonly processes: ProcessesService;
  readonly webhooks: WebhookPublisher | null;
  /** This server's Fetch Media link for a media id. */
  readonly fetchUrl: (mediaId: string) => string;
}

type Lead = { processId: string; procedureId: string } | null;

/** A status may reach us before the send's answer from Meta is kept; sends this recent are waited for. */
const SEND_IN_FLIGHT_MS = 5 * 60 * 1000;

/**
 * Everything an inbound event changes, in the caller's ONE transaction: contacts, chats
 * (re-opened), messages (a wamid kept before is a no-op), leads, forward-only statuses, template
 * events, the outbound deliveries, and the event marked processed. `statusesOnly`: a later look
 * at statuses that found no message while a send to their recipient was in flight. Returns how
 * many deliveries were queued, and whether such a status is still waiting.
 */
export async function applyEvent(
  tx: Db, deps: ApplyDeps, event: InboundEventRow, plugin: PluginRow, parsed: ParsedEvent, statusesOnly = false,
): Promise<{ queued: number; statusesWaiting: boolean }> {
  const now = deps.clock();
  const repo = createInboundRepo(tx);
  const forward = createForwarder(plugin, tx.dialect.readJson);
  if (!statusesOnly) {
    forward.passThrough(event.id, event.body, parsed.fields);
    const leads = new Map<string, Lead>();
    for (const message of parsed.messages) {
      const at = message.at ?? Number(event.received_at);
      const stored = await storeMessage(tx, deps, plugin, event, message, at, leads);
      if (stored) forward.message(message, stored, at);
    }
  }
  let statusesWaiting = false;
  for (const status of parsed.statuses) {
    const error = status.status === 'FAILED' ? JSON.stringify(status.error ?? {}) : null;
    const moved = await repo.moveStatus(plugin.team_id, status.wamid, status.status, error, now);
    if (moved) forward.status(status, moved.id, status.recipientId, status.at ?? now);
    else if (status.recipientId && (await repo.hasSendInFlight(plugin.team_id, status.recipientId, now - SEND_IN_FLIGHT_MS))) statusesWaiting = true;
  }
  if (!statusesOnly) {
    await repo.insertTemplateEvents(parsed.templateEvents.map((t) => ({
      id: newId(), team_id: plugin.team_id, plugin_id: plugin.id, template_id: t.templateId, name: t.name, language: t.language,
      event: t.event, reason: t.reason, at: t.at ?? Number(event.received_at), created_at: now,
    })));
    await repo.markProcessed(plugin.team_id, event.id, now);
  }
  const deliveries = forward.deliveries();
  if (deliveries.length > 0 && deps.webhooks) await deps.webhooks.enqueueDeliveries(tx, deliveries);
  return { queued: deps.webhooks ? deliveries.length : 0, statusesWaiting };
}

/**
 * The message's contact (its row lock, on PostgreSQL, serializes everything below per phone
 * until the commit), chat, lead and the message itself. Returns the new chat message's id, or
 * null when the wamid was kept before.
 */
async function storeMessage(
  tx: Db, deps: ApplyDeps, plugin: PluginRow, event: InboundEventRow, message: InboundMessage, at: number, leads: Map<string, Lead>,
): Promise<string | null> {
  const now = deps.clock();
  const chats = createChatsRepo(tx);
  const contact = await chats.contactFor(plugin.team_id, message.from, message.profileName, now);
  const chat = await chats.chatFor(plugin.team_id, plugin.id, message.phoneNumberId, contact.id, at);
  if (!leads.has(message.from)) {
    leads.set(message.from, plugin.lead_procedure_id
      ? await deps.processes.upsertLeadByPhone(tx, plugin.team_id, plugin.lead_procedure_id, message.from, message.profileName)
      : null);
  }
  const lead = leads.get(message.from) ?? null;
  const id = newId();
  const replyTo = message.message.context as { id?: unknown } | undefined;
  const added = await createInboundRepo(tx).insertMessageOnce({
    id, team_id: plugin.team_id, plugin_id: plugin.id, chat_id: chat.id, contact_id: contact.id, external_id: message.wamid,
    direction: 'INBOUND', data_type: message.type, body: JSON.stringify(message.message), text: textOf(message.type, message.message),
    attachments: JSON.stringify(attachmentsOf(message, deps.fetchUrl)), delivery_status: 'DELIVERED', delivery_error: null, timestamp: at,
    context: JSON.stringify({ contactIdentifier: message.from, messageTemplateId: null }),
    source: JSON.stringify({ sourceId: event.id, sourceType: 'whatsappWebhook' }), user_id: null,
    procedure_id: lead?.procedureId ?? null, process_id: lead?.processId ?? null,
    in_reply_to: typeof replyTo?.id === 'string' ? replyTo.id : null, created_at: now, updated_at: now,
  });
  return added ? id : null;
}
