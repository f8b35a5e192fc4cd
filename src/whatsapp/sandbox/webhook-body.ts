/**
 * Webhook bodies byte for byte as Meta writes them. Meta escapes every non-ASCII character as
 * `\uXXXX` (lowercase hex, UTF-16 code units) and `/` as `\/`, then signs those exact bytes; a
 * receiver that re-serialises parsed JSON computes a different HMAC. Reproducing the escaping
 * lets the server's signature check be tested the way Meta exercises it.
 */
import { createHmac } from 'node:crypto';
import type { SandboxAccount, SandboxPhoneNumber } from './sandbox.types.ts';

export function serializeLikeMeta(payload: unknown): string {
  return JSON.stringify(payload)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function signatureHeaders(body: string, appSecret: string): Record<string, string> {
  return {
    'x-hub-signature-256': `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`,
    // Legacy header some receivers still read.
    'x-hub-signature': `sha1=${createHmac('sha1', appSecret).update(body).digest('hex')}`,
  };
}

export type WebhookField = 'messages' | 'calls' | 'message_template_status_update';

/** `{object, entry[{id: wabaId, changes[{field, value}]}]}`. */
export function webhookEnvelope(wabaId: string, field: WebhookField, value: Record<string, unknown>, time?: number): Record<string, unknown> {
  const entry: Record<string, unknown> = { id: wabaId, changes: [{ value, field }] };
  // Fields other than `messages` carry the entry's time (Unix seconds, a number).
  if (time !== undefined) entry.time = time;
  return { object: 'whatsapp_business_account', entry: [entry] };
}

/** The `value` of a `messages` or `calls` change for one business number. */
export function phoneValue(phone: SandboxPhoneNumber, rest: Record<string, unknown>): Record<string, unknown> {
  return {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: phone.displayPhoneNumber, phone_number_id: phone.id },
    ...rest,
  };
}

/** Unix seconds as the strings Meta puts in `timestamp` fields. */
export function unixSeconds(ms: number): string {
  return String(Math.floor(ms / 1000));
}

export function webhookVersionAtLeast(account: SandboxAccount, major: number): boolean {
  const match = /^v(\d+)\./.exec(account.webhookVersion ?? '');
  return match !== null && Number(match[1]) >= major;
}
