/** Ids in Meta's styles: digit strings for objects, `wamid.`/`wacid.` for messages and calls. */
import { randomBytes, randomInt } from 'node:crypto';

/**
 * A 15-digit id, like Meta's template, media and WABA ids. Fifteen digits stay below 2^53, so
 * the template status webhook can carry the id as a JSON number (as Meta's does) exactly.
 */
export function newObjectId(): string {
  return String(randomInt(1, 10)) + Array.from({ length: 14 }, () => randomInt(0, 10)).join('');
}

/** Meta's message ids are base64 of an opaque structure that starts with the recipient. */
export function newMessageId(recipient: string): string {
  const opaque = Buffer.concat([Buffer.from(`\x18\x0b${recipient}\x15\x02\x00\x11\x18\x12`), randomBytes(9)]);
  return `wamid.${opaque.toString('base64')}`;
}

export function newCallId(recipient: string): string {
  const opaque = Buffer.concat([Buffer.from(`\x18\x0b${recipient}\x15\x02\x00`), randomBytes(12)]);
  return `wacid.${opaque.toString('base64url')}`;
}

/** Digits for a 24-hour-window conversation id (status webhooks up to v23.0 carry one). */
export function newConversationId(): string {
  return randomBytes(16).toString('hex');
}

/** Cursor for list paging: opaque to clients, as Meta's are. */
export function encodeCursor(templateId: string): string {
  return Buffer.from(`sandbox:${templateId}`).toString('base64url');
}

export function decodeCursor(cursor: string): string | null {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  return text.startsWith('sandbox:') ? text.slice('sandbox:'.length) : null;
}
