/**
 * The status webhooks that follow an accepted message: `sent` → `delivered` → `read` (or one
 * `failed`), each after its configured delay, with Meta's per-message `pricing` and, for
 * webhook versions before v24.0, a `conversation`. Options drop, duplicate or reorder them.
 */
import type { PhoneOwner } from './account-registry.ts';
import { asyncErrorObject, titleOf } from './graph-errors.ts';
import { newConversationId } from './sandbox-ids.ts';
import type { SandboxCore } from './sandbox-core.ts';
import type { DeliveryStatus, SentMessage } from './sandbox.types.ts';
import { phoneValue, unixSeconds, webhookEnvelope, webhookVersionAtLeast } from './webhook-body.ts';

export interface Pricing {
  readonly billable: boolean;
  readonly pricing_model: 'PMP';
  readonly category: string;
  readonly type: 'regular' | 'free_customer_service';
}

/** Inside the window service messages and utility templates are free; everything else is billed. */
export function pricingFor(category: string, windowOpen: boolean): Pricing {
  const free = windowOpen && (category === 'service' || category === 'utility');
  return { billable: !free, pricing_model: 'PMP', category, type: free ? 'free_customer_service' : 'regular' };
}

interface PlannedEvent {
  readonly status: DeliveryStatus;
  readonly delayMs: number;
  readonly billed: boolean;
}

const RANK: Record<DeliveryStatus, number> = { accepted: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

function plan(core: SandboxCore): PlannedEvent[] {
  const { sentMs, deliveredMs, readMs } = core.settings.statusDelays;
  const options = core.settings.statusEvents;
  const events: PlannedEvent[] = [{ status: 'sent', delayMs: sentMs, billed: true }];
  if (!options.dropDelivered) {
    events.push({ status: 'delivered', delayMs: options.reorder && !options.skipRead ? readMs : deliveredMs, billed: true });
  }
  if (!options.skipRead) {
    events.push({ status: 'read', delayMs: options.reorder ? deliveredMs : readMs, billed: options.dropDelivered });
  }
  return options.duplicate ? events.flatMap((e) => [e, { ...e, delayMs: e.delayMs + 1 }]) : events;
}

export function scheduleDeliveryStatuses(core: SandboxCore, owner: PhoneOwner, message: SentMessage, pricing: Pricing): void {
  const conversation = webhookVersionAtLeast(owner.account, 24) ? null : {
    id: newConversationId(), origin: { type: pricing.category },
  };
  for (const event of plan(core)) {
    core.scheduler.schedule(() => {
      const extra: Record<string, unknown> = {};
      if (event.billed && conversation) {
        const expiry = event.status === 'sent' ? { expiration_timestamp: unixSeconds(core.clock() + core.settings.customerServiceWindowMs) } : {};
        extra.conversation = { id: conversation.id, ...expiry, origin: conversation.origin };
      }
      if (event.billed) extra.pricing = pricing;
      emitStatus(core, owner, message, event.status, extra);
    }, event.delayMs);
  }
}

/** A `failed` status carrying Meta's error (131047 outside the window, 131026 undeliverable …). */
export function scheduleFailure(core: SandboxCore, owner: PhoneOwner, message: SentMessage, code: number, details: string): void {
  message.error = { code, title: titleOf(code) };
  core.scheduler.schedule(() => {
    emitStatus(core, owner, message, 'failed', { errors: [asyncErrorObject(code, details)] });
  }, core.settings.statusDelays.sentMs);
}

function emitStatus(core: SandboxCore, owner: PhoneOwner, message: SentMessage, status: DeliveryStatus, extra: Record<string, unknown>): void {
  if (RANK[status] > RANK[message.status]) message.status = status;
  const opaque = message.message.biz_opaque_callback_data;
  const statusObject: Record<string, unknown> = {
    id: message.id,
    status,
    timestamp: unixSeconds(core.clock()),
    recipient_id: message.waId || message.input,
    ...(message.waId === '' ? { recipient_user_id: message.input } : {}),
    ...(typeof opaque === 'string' ? { biz_opaque_callback_data: opaque } : {}),
    ...extra,
  };
  const value = phoneValue(owner.phone, { statuses: [statusObject] });
  core.webhooks.send(owner.account, webhookEnvelope(owner.account.wabaId, 'messages', value));
}
