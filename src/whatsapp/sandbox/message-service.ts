/**
 * Accepting a message send the way Meta does: shape, template and media checks and the rate
 * limits answer synchronously; delivery (or a 131047/131026 failure) is told later through
 * status webhooks.
 */
import type { PhoneOwner } from './account-registry.ts';
import { GraphError } from './graph-errors.ts';
import { validateOutbound } from './message-validation.ts';
import type { SandboxCore } from './sandbox-core.ts';
import { newMessageId } from './sandbox-ids.ts';
import type { SentMessage } from './sandbox.types.ts';
import { pricingFor, scheduleDeliveryStatuses, scheduleFailure } from './status-events.ts';
import { checkTemplateSend } from './template-send-check.ts';

type Obj = Record<string, unknown>;

const MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'];
const WINDOW_DETAILS = 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.';

export function handleMessagesRequest(core: SandboxCore, owner: PhoneOwner, body: unknown): Obj {
  const request = validateOutbound(body);
  if (request.kind === 'read') {
    const known = core.inbound.some((m) => m.id === request.messageId && m.phoneNumberId === owner.phone.id);
    if (!known) throw new GraphError(100, `message_id ${request.messageId} is not a message this phone number received.`);
    core.readReceipts.push({ phoneNumberId: owner.phone.id, messageId: request.messageId, typingIndicator: request.typing, at: core.clock() });
    return { success: true };
  }
  takeInjectedFailure(core);
  const message = body as Obj;
  const category = request.type === 'template' ? templateCategory(core, owner, message.template as Obj) : 'service';
  if (MEDIA_TYPES.includes(request.type)) checkMediaId(core, owner, request.type, message[request.type] as Obj);
  const recipientKey = request.waId || request.input;
  const hit = core.limits.take(owner.phone.id, recipientKey, core.clock(), core.settings);
  if (hit === 'throughput') {
    throw new GraphError(130429, 'Message failed to send because there were too many messages sent from this phone number in a short period of time.', { status: core.settings.throttleHttpStatus });
  }
  if (hit === 'pair') {
    throw new GraphError(131056, 'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.', { status: core.settings.throttleHttpStatus });
  }
  const sent: SentMessage = {
    id: newMessageId(recipientKey), wabaId: owner.account.wabaId, phoneNumberId: owner.phone.id, input: request.input,
    waId: request.waId, type: request.type, message, sentAt: core.clock(), status: 'accepted',
  };
  core.sent.push(sent);
  scheduleOutcome(core, owner, sent, category);
  const contact: Obj = { input: request.input, wa_id: request.waId, ...(request.userId ? { user_id: request.userId } : {}) };
  const messageEntry: Obj = { id: sent.id, ...(request.type === 'template' ? { message_status: 'accepted' } : {}) };
  return { messaging_product: 'whatsapp', contacts: [contact], messages: [messageEntry] };
}

function takeInjectedFailure(core: SandboxCore): void {
  const failNext = core.failures.failNext;
  if (!failNext || failNext.count <= 0) return;
  core.failures = { ...core.failures, failNext: failNext.count > 1 ? { ...failNext, count: failNext.count - 1 } : null };
  throw new GraphError(failNext.code, failNext.details ?? 'Failure injected through the sandbox control API.', { status: failNext.httpStatus });
}

/** The template's category (lowercase, as pricing names it) after checking the send against it. */
function templateCategory(core: SandboxCore, owner: PhoneOwner, template: Obj): string {
  const name = template.name as string;
  const language = (template.language as Obj).code as string;
  const stored = core.templates.find(owner.account.wabaId, name, language);
  if (!stored || stored.status !== 'APPROVED') {
    throw new GraphError(132001, `template name (${name}) does not exist in ${language}`);
  }
  checkTemplateSend(stored, template.components);
  return stored.category.toLowerCase();
}

function checkMediaId(core: SandboxCore, owner: PhoneOwner, type: string, media: Obj): void {
  if (typeof media.id !== 'string') return;
  const record = core.media.get(media.id);
  if (!record || record.wabaId !== owner.account.wabaId) {
    throw new GraphError(131009, `${type}.id ${media.id} is not a media id uploaded by this business.`);
  }
}

function scheduleOutcome(core: SandboxCore, owner: PhoneOwner, sent: SentMessage, category: string): void {
  if (sent.waId.endsWith('131026')) {
    scheduleFailure(core, owner, sent, 131026, 'Message failed to send because the recipient is not a WhatsApp user or cannot receive this message.');
    return;
  }
  const windowOpen = !sent.waId.endsWith('131047') && core.isWindowOpen(owner.phone.id, sent.waId || sent.input);
  if (sent.type !== 'template' && !windowOpen) {
    scheduleFailure(core, owner, sent, 131047, WINDOW_DETAILS);
    return;
  }
  scheduleDeliveryStatuses(core, owner, sent, pricingFor(category, windowOpen));
}
