import autocannon from 'autocannon';
import { newMessageId } from '../src/whatsapp/sandbox/sandbox-ids.ts';
import { phoneValue, serializeLikeMeta, signatureHeaders, unixSeconds, webhookEnvelope } from '../src/whatsapp/sandbox/webhook-body.ts';
import { summarize, type Measurement, type RawRun } from './measure.ts';

/**
 * What Meta sends the receiver, built with the sandbox's own helpers: one signed `messages`
 * webhook per customer text, byte for byte as Meta writes it (non-ASCII escaped, then signed).
 */

/** The business number the events are addressed to, and the app secret Meta signs with. */
export interface InboundSource {
  readonly wabaId: string;
  readonly phone: { readonly id: string; readonly displayPhoneNumber: string };
  readonly appSecret: string;
}

export interface InboundEvent {
  readonly wamid: string;
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** Customers' numbers (country code 91, then 98 and eight digits): `customers` of them, reused in turn. */
export const customerPhone = (index: number, customers: number): string => `9198${String(index % customers).padStart(8, '0')}`;

/** Some texts carry Devanagari, so the receiver verifies Meta's escaped bytes, not re-serialized JSON. */
const TEXTS = ['Hi, is my order ready?', 'नमस्ते, मुझे कीमत बताइए', 'Can someone call me back after 5 pm?', 'Thanks! 👍'];

/** The `index`-th customer message: a distinct wamid, from customer `index % customers`. */
export function inboundEvent(source: InboundSource, index: number, customers: number, nowMs: number): InboundEvent {
  const from = customerPhone(index, customers);
  const wamid = newMessageId(from);
  const message = { from, id: wamid, timestamp: unixSeconds(nowMs), type: 'text', text: { body: `${TEXTS[index % TEXTS.length]} (#${index})` } };
  const value = phoneValue(source.phone, { contacts: [{ profile: { name: `Customer ${index % customers}` }, wa_id: from }], messages: [message] });
  const body = serializeLikeMeta(webhookEnvelope(source.wabaId, 'messages', value));
  return { wamid, body, headers: { 'content-type': 'application/json', ...signatureHeaders(body, source.appSecret) } };
}

/** The wamid of a pass-through body's first message, or null for another kind of event. */
export function wamidOf(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { entry?: { changes?: { value?: { messages?: { id?: unknown }[] } }[] }[] };
    const id = parsed.entry?.[0]?.changes?.[0]?.value?.messages?.[0]?.id;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}

export interface BurstResult extends Measurement {
  /** Events answered 200, i.e. stored durably by the receiver. */
  readonly accepted: number;
}

/**
 * Posts a fresh signed event per request with `connections` connections for `seconds`, each
 * connection sending its next event as soon as the last was answered. Only 200s count as accepted.
 */
export function burst(baseUrl: string, path: string, next: () => InboundEvent, connections: number, seconds: number): Promise<BurstResult> {
  const latencies: number[] = [];
  let accepted = 0;
  let firstFailure: string | undefined;
  return new Promise((resolve, reject) => {
    const instance = autocannon({
      url: baseUrl, connections, duration: seconds, timeout: 30,
      requests: [{
        method: 'POST',
        setupRequest: (request) => {
          const event = next();
          return { ...request, path, body: event.body, headers: { ...request.headers, ...event.headers } };
        },
        onResponse: (status, body) => {
          if (status !== 200 && firstFailure === undefined) firstFailure = `${status} ${body.slice(0, 300)}`;
        },
      }],
    }, (error, result) => {
      if (error) {
        reject(error);
        return;
      }
      const run: RawRun = { latencies, non2xx: result.non2xx, errors: result.errors + result.timeouts, seconds: result.duration, firstFailure };
      resolve({ ...summarize('inbound burst', run, null), accepted });
    });
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode !== 200) return;
      accepted++;
      latencies.push(responseTime);
    });
  });
}

export interface PacedPost {
  readonly wamid: string;
  readonly status: number;
  /** Date.now() when it was sent, to set beside the server's clock (same machine). */
  readonly sentAtEpoch: number;
  /** performance.now() when the answer's status line arrived, and the round trip in ms. */
  readonly answeredAt: number;
  readonly latencyMs: number;
}

/**
 * Posts events at `perSecond` on a fixed schedule (not waiting for answers, as Meta does not)
 * while `more(sent, elapsedMs)` says so, each timed on its own; resolves once every one was answered.
 */
export async function paced(
  baseUrl: string, path: string, next: () => InboundEvent, perSecond: number, more: (sent: number, elapsedMs: number) => boolean,
): Promise<PacedPost[]> {
  const started = performance.now();
  const posts: Promise<PacedPost>[] = [];
  for (let i = 0; more(i, performance.now() - started); i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    posts.push(postOne(baseUrl + path, next()));
  }
  return Promise.all(posts);
}

async function postOne(url: string, event: InboundEvent): Promise<PacedPost> {
  const sent = performance.now();
  const sentAtEpoch = Date.now();
  try {
    const response = await fetch(url, { method: 'POST', headers: event.headers, body: event.body });
    const answeredAt = performance.now();
    await response.arrayBuffer();
    return { wamid: event.wamid, status: response.status, sentAtEpoch, answeredAt, latencyMs: answeredAt - sent };
  } catch {
    const answeredAt = performance.now();
    return { wamid: event.wamid, status: 0, sentAtEpoch, answeredAt, latencyMs: answeredAt - sent };
  }
}
