/**
 * What the chat log keeps of a message object sent to Meta's messages endpoint (the body of the
 * pass-through, or one this server built): who it goes to, its type, its text and attachments.
 */
export interface OutboundSummary {
  /** Digits with country code, or Meta's business-scoped id as given. */
  readonly recipient: string;
  readonly dataType: string;
  readonly text: string | null;
  readonly attachments: Record<string, unknown>[];
  /** The wamid this message replies to (`context.message_id`). */
  readonly inReplyTo: string | null;
}

const MEDIA_TYPES = new Set(['image', 'audio', 'video', 'document', 'sticker']);

type Json = Record<string, unknown>;
const objectAt = (value: unknown, key: string): Json | null => {
  const inner = typeof value === 'object' && value !== null ? (value as Json)[key] : undefined;
  return typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? (inner as Json) : null;
};
const stringAt = (value: Json | null, key: string): string | null => (typeof value?.[key] === 'string' ? (value[key] as string) : null);

/** A read receipt or typing indicator: not a message, nothing to keep. */
export function isReadReceipt(body: Json): boolean {
  return body.status === 'read' && typeof body.message_id === 'string';
}

/** Digits only, as Meta normalises `to` (`+`, spaces, dashes, brackets dropped); other ids as given. */
export function normalisePhone(value: string): string {
  const stripped = value.replace(/[\s()+\-.]/g, '');
  return /^\d+$/.test(stripped) ? stripped : value.trim();
}

/** null when the body names no recipient (Meta will refuse it; nothing is kept). */
export function summarise(body: Json): OutboundSummary | null {
  const to = typeof body.to === 'string' && body.to.trim() !== '' ? body.to : typeof body.recipient === 'string' ? body.recipient : null;
  if (to === null) return null;
  const dataType = typeof body.type === 'string' ? body.type : 'text';
  const content = objectAt(body, dataType);
  const attachments: Json[] = [];
  if (MEDIA_TYPES.has(dataType) && content) {
    attachments.push(Object.fromEntries(Object.entries({
      type: dataType, link: stringAt(content, 'link'), mediaId: stringAt(content, 'id'), caption: stringAt(content, 'caption'), filename: stringAt(content, 'filename'),
    }).filter(([, v]) => v !== null)));
  }
  return {
    recipient: normalisePhone(to),
    dataType,
    text: textOf(dataType, content),
    attachments,
    inReplyTo: stringAt(objectAt(body, 'context'), 'message_id'),
  };
}

function textOf(dataType: string, content: Json | null): string | null {
  if (!content) return null;
  if (dataType === 'text') return stringAt(content, 'body');
  if (MEDIA_TYPES.has(dataType)) return stringAt(content, 'caption');
  if (dataType === 'template') return stringAt(content, 'name');
  if (dataType === 'interactive') return stringAt(objectAt(content, 'body'), 'text');
  if (dataType === 'reaction') return stringAt(content, 'emoji');
  if (dataType === 'location') return stringAt(content, 'name') ?? stringAt(content, 'address');
  return null;
}
