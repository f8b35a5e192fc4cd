import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { wamidOf } from './inbound-traffic.ts';

/**
 * The team's webhook endpoint, as a customer would run it: it checks each delivery's
 * `X-Chakra-Signature-256` against the plugin's webhook secret, de-duplicates by
 * `X-Chakra-Event-Id`, and notes when each event first began to arrive. Pass-through deliveries
 * come to /pass-through, Chakra events to /chakra.
 */
export interface EndpointCounts {
  /** Distinct event ids with a valid signature, per endpoint. */
  readonly passThrough: number;
  readonly chakra: number;
  /** Of the Chakra events, those of type `message`. */
  readonly chakraMessages: number;
  /** Repeated event ids (at-least-once delivery makes a few legitimate). */
  readonly duplicates: number;
  /** Deliveries without a valid signature or without an event id: each one is a bug. */
  readonly badSignatures: number;
  readonly missingEventId: number;
}

export interface WebhookEndpoint {
  readonly passThroughUrl: string;
  readonly chakraUrl: string;
  counts(): EndpointCounts;
  /** performance.now() when the first pass-through delivery of this inbound message began to arrive. */
  passThroughArrival(wamid: string): number | undefined;
  close(): Promise<void>;
}

const hmac = (secret: string, body: Buffer): Buffer => createHmac('sha256', secret).update(body).digest();

function validSignature(secret: string, body: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string' || !/^[0-9a-f]{64}$/i.test(header)) return false;
  const expected = hmac(secret, body);
  const given = Buffer.from(header, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function eventName(text: string): unknown {
  try {
    return (JSON.parse(text) as { event?: unknown }).event;
  } catch {
    return undefined;
  }
}

export async function startWebhookEndpoint(webhookSecret: string): Promise<WebhookEndpoint> {
  const seen = { passThrough: new Set<string>(), chakra: new Set<string>() };
  const arrivals = new Map<string, number>();
  let chakraMessages = 0;
  let duplicates = 0;
  let badSignatures = 0;
  let missingEventId = 0;

  const accept = (kind: 'passThrough' | 'chakra', eventId: string, body: Buffer, arrivedAt: number): void => {
    if (seen[kind].has(eventId)) {
      duplicates++;
      return;
    }
    seen[kind].add(eventId);
    const text = body.toString('utf8');
    if (kind === 'chakra') {
      if (eventName(text) === 'message') chakraMessages++;
      return;
    }
    const wamid = wamidOf(text);
    if (wamid !== null && !arrivals.has(wamid)) arrivals.set(wamid, arrivedAt);
  };

  const server = http.createServer((request, response) => {
    const arrivedAt = performance.now();
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const kind = request.url === '/pass-through' ? 'passThrough' : request.url === '/chakra' ? 'chakra' : null;
      if (kind === null || request.method !== 'POST') {
        response.writeHead(404).end();
        return;
      }
      const body = Buffer.concat(chunks);
      const eventId = request.headers['x-chakra-event-id'];
      if (!validSignature(webhookSecret, body, request.headers['x-chakra-signature-256'])) {
        badSignatures++;
        response.writeHead(401).end();
        return;
      }
      if (typeof eventId !== 'string' || eventId === '') missingEventId++;
      else accept(kind, eventId, body, arrivedAt);
      response.writeHead(200).end();
    });
  });
  // Deliveries may reuse connections between bursts of work; keep them open a while.
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    passThroughUrl: `${base}/pass-through`,
    chakraUrl: `${base}/chakra`,
    counts: () => ({ passThrough: seen.passThrough.size, chakra: seen.chakra.size, chakraMessages, duplicates, badSignatures, missingEventId }),
    passThroughArrival: (wamid) => arrivals.get(wamid),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
