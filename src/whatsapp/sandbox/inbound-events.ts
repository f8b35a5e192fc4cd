/**
 * A user's message to the business, injected through the control API and delivered to the
 * account's callback exactly as Meta would: `contacts` (except for system messages) plus one
 * message object of the given type. It (re)opens that user's customer-service window. Media a
 * user sends is stored, so the server can fetch it through the media endpoints.
 */
import type { PhoneOwner } from './account-registry.ts';
import { asyncErrorObject, GraphError } from './graph-errors.ts';
import type { SandboxCore } from './sandbox-core.ts';
import { newMessageId } from './sandbox-ids.ts';
import { phoneValue, unixSeconds, webhookEnvelope } from './webhook-body.ts';

type Obj = Record<string, unknown>;

export const INBOUND_TYPES = [
  'text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts', 'interactive',
  'button', 'reaction', 'order', 'system', 'unsupported', 'request_welcome',
];
const MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'];
const DEFAULT_MIME: Record<string, string> = {
  image: 'image/jpeg', audio: 'audio/ogg; codecs=opus', video: 'video/mp4', document: 'application/pdf', sticker: 'image/webp',
};

export interface InboundInput {
  readonly from: string;
  readonly name?: string;
  readonly type: string;
  readonly context?: Obj;
  readonly [key: string]: unknown;
}

const invalid = (details: string) => new GraphError(100, details);

export function injectInbound(core: SandboxCore, owner: PhoneOwner, input: InboundInput): { id: string } {
  const from = typeof input.from === 'string' ? input.from.replace(/[\s()+-]/g, '') : '';
  if (!/^\d{7,15}$/.test(from)) throw invalid('from must be the user\'s phone number (7 to 15 digits).');
  if (!INBOUND_TYPES.includes(input.type)) throw invalid(`type must be one of ${INBOUND_TYPES.join(', ')}.`);
  const id = newMessageId(from);
  const message: Obj = { from, id, timestamp: unixSeconds(core.clock()), type: input.type };
  if (input.context !== undefined) message.context = input.context;
  Object.assign(message, contentOf(core, owner, input));
  core.inbound.push({ id, phoneNumberId: owner.phone.id, from, payload: message, at: core.clock() });
  core.openWindow(owner.phone.id, from);
  const contacts = input.type === 'system' ? {} : { contacts: [{ profile: { name: input.name ?? 'Sandbox User' }, wa_id: from }] };
  const value = phoneValue(owner.phone, { ...contacts, messages: [message] });
  core.webhooks.send(owner.account, webhookEnvelope(owner.account.wabaId, 'messages', value));
  return { id };
}

function contentOf(core: SandboxCore, owner: PhoneOwner, input: InboundInput): Obj {
  const type = input.type;
  const given = input[type];
  if (type === 'unsupported') {
    return { errors: [asyncErrorObject(131051, 'Message type is currently not supported.')] };
  }
  if (type === 'request_welcome') return {};
  if (type === 'contacts') {
    if (!Array.isArray(given) || given.length === 0) throw invalid('contacts must be a non-empty list.');
    return { contacts: given };
  }
  if (typeof given !== 'object' || given === null) throw invalid(`${type} must be an object.`);
  const content = given as Obj;
  if (MEDIA_TYPES.includes(type)) return { [type]: storeUserMedia(core, owner, type, content) };
  const problem = contentProblem(type, content);
  if (problem) throw invalid(problem);
  return { [type]: content };
}

function contentProblem(type: string, content: Obj): string | null {
  switch (type) {
    case 'text': return typeof content.body === 'string' ? null : 'text.body is required.';
    case 'location': return typeof content.latitude === 'number' && typeof content.longitude === 'number' ? null : 'location.latitude and location.longitude are required numbers.';
    case 'button': return typeof content.payload === 'string' && typeof content.text === 'string' ? null : 'button.payload and button.text are required.';
    case 'reaction': return typeof content.message_id === 'string' && typeof content.emoji === 'string' ? null : 'reaction.message_id and reaction.emoji are required.';
    case 'interactive': {
      const kind = content.type;
      if (kind !== 'button_reply' && kind !== 'list_reply' && kind !== 'nfm_reply') return 'interactive.type must be button_reply, list_reply or nfm_reply.';
      const reply = content[kind] as Obj | undefined;
      return typeof reply === 'object' && reply !== null ? null : `interactive.${kind} is required.`;
    }
    case 'order': return Array.isArray(content.product_items) ? null : 'order.product_items is required.';
    case 'system': return typeof content.body === 'string' ? null : 'system.body is required.';
    default: return null;
  }
}

/** Stores the user's file (base64 `data`, else a few placeholder bytes) and describes it as Meta does. */
function storeUserMedia(core: SandboxCore, owner: PhoneOwner, type: string, content: Obj): Obj {
  const mimeType = typeof content.mime_type === 'string' ? content.mime_type : DEFAULT_MIME[type];
  const bytes = typeof content.data === 'string' ? Buffer.from(content.data, 'base64') : Buffer.from(`sandbox ${type} from a user`);
  const record = core.media.add({ wabaId: owner.account.wabaId, phoneNumberId: owner.phone.id }, mimeType, bytes, core.clock());
  const { data: _data, ...rest } = content;
  return {
    ...rest,
    mime_type: mimeType,
    // Webhook media carry the digest in base64, the media endpoint in hex.
    sha256: Buffer.from(record.sha256, 'hex').toString('base64'),
    id: record.id,
  };
}
