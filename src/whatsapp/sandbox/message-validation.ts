/**
 * Shape checks for `POST /{v}/{phone-number-id}/messages`: the envelope, then each message type.
 * A missing field is Meta's 131008, a wrong value 131009. Template lookups happen later, since
 * they need the account's templates.
 */
import { invalidParameter, missingParameter } from './graph-errors.ts';
import { checkInteractive } from './interactive-validation.ts';

type Obj = Record<string, unknown>;

export type OutboundRequest =
  | { readonly kind: 'read'; readonly messageId: string; readonly typing: boolean }
  | { readonly kind: 'message'; readonly type: string; readonly input: string; readonly waId: string; readonly userId?: string };

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'];
const MESSAGE_TYPES = ['text', ...MEDIA_TYPES, 'location', 'contacts', 'interactive', 'template', 'reaction'];

export function validateOutbound(body: unknown): OutboundRequest {
  if (!isObj(body)) throw invalidParameter('The request body must be a JSON object.');
  if (body.messaging_product === undefined) throw missingParameter('messaging_product');
  if (body.messaging_product !== 'whatsapp') throw invalidParameter('messaging_product must be "whatsapp".');
  if (body.status !== undefined) return validateReadReceipt(body);
  const recipient = readRecipient(body);
  const type = body.type ?? 'text';
  if (typeof type !== 'string' || !MESSAGE_TYPES.includes(type)) throw invalidParameter(`type must be one of ${MESSAGE_TYPES.join(', ')}.`);
  if (body.recipient_type !== undefined && body.recipient_type !== 'individual') {
    throw invalidParameter('recipient_type must be "individual" (groups are not part of the sandbox).');
  }
  if (body.context !== undefined && typeof (body.context as Obj)?.message_id !== 'string') throw missingParameter('context.message_id');
  checkMessageOfType(type, body[type]);
  return { kind: 'message', type, ...recipient };
}

function validateReadReceipt(body: Obj): OutboundRequest {
  if (body.status !== 'read') throw invalidParameter('status must be "read".');
  if (typeof body.message_id !== 'string' || body.message_id === '') throw missingParameter('message_id');
  const typing = body.typing_indicator;
  if (typing !== undefined && (!isObj(typing) || typing.type !== 'text')) throw invalidParameter('typing_indicator.type must be "text".');
  return { kind: 'read', messageId: body.message_id, typing: typing !== undefined };
}

/** `to` (or `recipient`): a phone number in any usual writing, or a business-scoped user id. */
function readRecipient(body: Obj): { input: string; waId: string; userId?: string } {
  const input = body.to ?? body.recipient;
  if (input === undefined) throw missingParameter('to');
  if (typeof input !== 'string' || input.trim() === '') throw invalidParameter('to must be a phone number.');
  if (/^[A-Za-z]+\.[A-Za-z0-9_-]+$/.test(input)) return { input, waId: '', userId: input };
  const digits = input.replace(/[\s()+-]/g, '');
  if (!/^\d{7,15}$/.test(digits)) throw invalidParameter(`to: "${input}" is not a valid phone number.`);
  return { input, waId: digits };
}

function checkMessageOfType(type: string, value: unknown): void {
  if (value === undefined) throw missingParameter(type);
  if (type === 'contacts') return checkContacts(value);
  if (!isObj(value)) throw invalidParameter(`${type} must be an object.`);
  if (MEDIA_TYPES.includes(type)) return checkMedia(type, value);
  switch (type) {
    case 'text': return checkText(value);
    case 'location': return checkLocation(value);
    case 'interactive': return checkInteractive(value);
    case 'template': return checkTemplateShape(value);
    case 'reaction': return checkReaction(value);
    default: return;
  }
}

function checkText(text: Obj): void {
  if (typeof text.body !== 'string' || text.body === '') throw missingParameter('text.body');
  if (text.body.length > 4096) throw invalidParameter('text.body must be at most 4096 characters.');
  if (text.preview_url !== undefined && typeof text.preview_url !== 'boolean') throw invalidParameter('text.preview_url must be a boolean.');
}

function checkMedia(type: string, media: Obj): void {
  const hasLink = typeof media.link === 'string';
  const hasId = typeof media.id === 'string';
  if (!hasLink && !hasId) throw missingParameter(`${type}.id or ${type}.link`);
  if (hasLink && hasId) throw invalidParameter(`${type}: give either id or link, not both.`);
  if (hasLink && !/^https?:\/\//.test(media.link as string)) throw invalidParameter(`${type}.link must be an http(s) URL.`);
  if (media.caption !== undefined) {
    if (!['image', 'video', 'document'].includes(type)) throw invalidParameter(`${type} takes no caption.`);
    if (typeof media.caption !== 'string' || media.caption.length > 1024) throw invalidParameter(`${type}.caption must be text of at most 1024 characters.`);
  }
  if (media.filename !== undefined && type !== 'document') throw invalidParameter(`${type} takes no filename.`);
}

function checkLocation(location: Obj): void {
  for (const axis of ['latitude', 'longitude'] as const) {
    const value = location[axis];
    if (value === undefined) throw missingParameter(`location.${axis}`);
    const number = typeof value === 'string' ? Number(value) : value;
    const bound = axis === 'latitude' ? 90 : 180;
    if (typeof number !== 'number' || !Number.isFinite(number) || Math.abs(number) > bound) throw invalidParameter(`location.${axis} is not valid.`);
  }
}

function checkContacts(contacts: unknown): void {
  if (!Array.isArray(contacts) || contacts.length === 0) throw invalidParameter('contacts must be a non-empty list.');
  contacts.forEach((contact, i) => {
    if (!isObj(contact) || !isObj(contact.name)) throw missingParameter(`contacts[${i}].name`);
    if (typeof contact.name.formatted_name !== 'string' || contact.name.formatted_name === '') throw missingParameter(`contacts[${i}].name.formatted_name`);
    if (contact.phones !== undefined && !Array.isArray(contact.phones)) throw invalidParameter(`contacts[${i}].phones must be a list.`);
  });
}

function checkTemplateShape(template: Obj): void {
  if (typeof template.name !== 'string' || template.name === '') throw missingParameter('template.name');
  const language = template.language;
  if (!isObj(language) || typeof language.code !== 'string' || language.code === '') throw missingParameter('template.language.code');
  if (language.policy !== undefined && language.policy !== 'deterministic') throw invalidParameter('template.language.policy must be "deterministic".');
}

function checkReaction(reaction: Obj): void {
  if (typeof reaction.message_id !== 'string' || reaction.message_id === '') throw missingParameter('reaction.message_id');
  // An empty emoji removes an earlier reaction.
  if (typeof reaction.emoji !== 'string') throw missingParameter('reaction.emoji');
}
