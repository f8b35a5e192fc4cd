/**
 * Meta's webhook body (`object: whatsapp_business_account`) read into what processing needs:
 * inbound messages with their business number and sender's profile name, delivery statuses and
 * template events. Anything else (calls, account updates, unknown fields) is only forwarded.
 */
type Obj = Record<string, unknown>;

export interface InboundMessage {
  readonly phoneNumberId: string;
  readonly from: string;
  readonly profileName: string | null;
  /** Meta's message object, as received. */
  readonly message: Obj;
  readonly wamid: string;
  readonly type: string;
  /** Epoch ms (Meta sends Unix seconds as a string). */
  readonly at: number | null;
  /** The `contacts` of the change the message came in, for the Chakra `message` event. */
  readonly contacts: readonly unknown[];
  readonly wabaId: string;
}

export type MetaStatus = 'SENT' | 'DELIVERED' | 'READ' | 'FAILED';

export interface InboundStatus {
  readonly wamid: string;
  readonly status: MetaStatus;
  readonly recipientId: string | null;
  readonly at: number | null;
  /** Meta's first error object, for a failed message. */
  readonly error: Obj | null;
}

export interface TemplateEvent {
  readonly templateId: string;
  readonly name: string | null;
  readonly language: string | null;
  readonly event: string;
  readonly reason: string | null;
  readonly at: number | null;
}

export interface ParsedEvent {
  readonly messages: InboundMessage[];
  readonly statuses: InboundStatus[];
  readonly templateEvents: TemplateEvent[];
  /** Every change's field (`messages`, `calls`, `smb_message_echoes`, …). */
  readonly fields: string[];
}

/** Meta's status words; others (`deleted`, `warning`, …) are forwarded but move nothing. */
const STATUS_OF: Record<string, MetaStatus> = { sent: 'SENT', delivered: 'DELIVERED', read: 'READ', played: 'READ', failed: 'FAILED' };
/** The change fields that carry template review and quality events. */
const TEMPLATE_FIELDS = new Set(['message_template_status_update', 'message_template_quality_update', 'message_template_components_update', 'template_category_update']);

const obj = (v: unknown): Obj | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : null);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);
const msOf = (v: unknown): number | null => {
  const seconds = Number(v);
  return typeof v !== 'boolean' && v !== null && v !== '' && Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : null;
};

export function parseEvent(payload: unknown): ParsedEvent {
  const parsed: ParsedEvent = { messages: [], statuses: [], templateEvents: [], fields: [] };
  for (const entry of list(obj(payload)?.entry)) {
    const wabaId = str(obj(entry)?.id) ?? '';
    const entryTime = msOf(obj(entry)?.time);
    for (const change of list(obj(entry)?.changes)) {
      const field = str(obj(change)?.field) ?? '';
      const value = obj(obj(change)?.value);
      parsed.fields.push(field);
      if (!value) continue;
      if (field === 'messages') readMessagesChange(value, wabaId, parsed);
      else if (TEMPLATE_FIELDS.has(field)) readTemplateChange(value, field, entryTime, parsed);
    }
  }
  return parsed;
}

function readMessagesChange(value: Obj, wabaId: string, parsed: ParsedEvent): void {
  const phoneNumberId = str(obj(value.metadata)?.phone_number_id) ?? '';
  const contacts = list(value.contacts);
  const nameOf = new Map(contacts.map((c) => [str(obj(c)?.wa_id), str(obj(obj(c)?.profile)?.name)]));
  for (const item of list(value.messages)) {
    const message = obj(item);
    const from = str(message?.from);
    const wamid = str(message?.id);
    if (!message || !from || !wamid) continue;
    parsed.messages.push({
      phoneNumberId, from, wamid, message, wabaId, contacts,
      profileName: nameOf.get(from) ?? null, type: str(message.type) ?? 'unknown', at: msOf(message.timestamp),
    });
  }
  for (const item of list(value.statuses)) {
    const status = obj(item);
    const wamid = str(status?.id);
    const moved = STATUS_OF[str(status?.status) ?? ''];
    if (!status || !wamid || !moved) continue;
    parsed.statuses.push({ wamid, status: moved, recipientId: str(status.recipient_id), at: msOf(status.timestamp), error: obj(list(status.errors)[0]) });
  }
}

function readTemplateChange(value: Obj, field: string, at: number | null, parsed: ParsedEvent): void {
  const templateId = str(value.message_template_id);
  if (!templateId) return;
  const event = str(value.event) ?? str(value.new_quality_score) ?? str(value.new_category) ?? field;
  parsed.templateEvents.push({
    templateId, event, at,
    name: str(value.message_template_name), language: str(value.message_template_language), reason: str(value.reason),
  });
}

/** The text a chat shows for a message: its body, caption, chosen reply, place, reaction … */
export function textOf(type: string, message: Obj): string | null {
  const content = obj(message[type]);
  switch (type) {
    case 'text': return str(content?.body);
    case 'image': case 'video': case 'audio': case 'sticker': return str(content?.caption);
    case 'document': return str(content?.caption) ?? str(content?.filename);
    case 'button': return str(content?.text) ?? str(content?.payload);
    case 'interactive': {
      const reply = obj(content?.[str(content?.type) ?? '']);
      return str(reply?.title) ?? str(reply?.body) ?? str(reply?.id);
    }
    case 'location': return str(content?.name) ?? str(content?.address) ?? (content ? `${String(content.latitude)},${String(content.longitude)}` : null);
    case 'reaction': return str(content?.emoji);
    case 'contacts': return str(obj(obj(list(message.contacts)[0])?.name)?.formatted_name);
    case 'order': return str(content?.text);
    case 'system': return str(content?.body);
    default: return null;
  }
}

export const MEDIA_TYPES = new Set(['image', 'audio', 'video', 'document', 'sticker']);

/** Meta's media id of a media message, or null. */
export function mediaIdOf(message: InboundMessage): string | null {
  return MEDIA_TYPES.has(message.type) ? str(obj(message.message[message.type])?.id) : null;
}

/** The message's attachments, each pointing at this server's Fetch Media link (the media is kept on arrival). */
export function attachmentsOf(message: InboundMessage, fetchUrl: (mediaId: string) => string): Obj[] {
  const mediaId = mediaIdOf(message);
  if (!mediaId) return [];
  const content = obj(message.message[message.type]) ?? {};
  return [Object.fromEntries(Object.entries({
    type: message.type, mediaId, link: fetchUrl(mediaId), mimeType: str(content.mime_type), sha256: str(content.sha256),
    caption: str(content.caption), filename: str(content.filename),
  }).filter(([, v]) => v !== null))];
}
