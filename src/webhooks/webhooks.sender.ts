import dns, { type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { assertNoOpenTransaction } from '../db/database.ts';
import { isNonPublicAddress, nonPublicHostProblem } from '../shared/network-addresses.ts';

/** One POST of a delivery: what the receiver is sent. */
export interface OutboundRequest {
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** What came of it: an HTTP status, or why there was none. `delivered` is a 2xx. */
export interface SendOutcome {
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly delivered: boolean;
  readonly durationMs: number;
}

export interface SenderOptions {
  readonly timeoutMs: number;
  /** WEBHOOK_ALLOW_PRIVATE_URLS: endpoints may resolve to loopback or private addresses. */
  readonly allowPrivateUrls: boolean;
}

/** Raised from the guarded lookup: the name resolved to an address no webhook may reach. */
class NonPublicAddressError extends Error {
  override name = 'NonPublicAddressError';
}

/** Receivers' answers are read and dropped; this much is enough to finish a normal reply. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * A DNS lookup that refuses non-public addresses. It runs when the socket connects, so the
 * address checked is the address used: a name that resolves to a private address (or is
 * changed to one after the URL was accepted) cannot get past it.
 */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const refused = addresses.find((a) => isNonPublicAddress(a.address));
    if (refused) return callback(new NonPublicAddressError(`${hostname} resolves to ${refused.address}, a non-public address`), '', 0);
    if (options.all) return (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, addresses);
    const [first] = addresses;
    if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
    callback(null, first.address, first.family);
  });
};

/** The sentence recorded for a failed attempt (never the request's headers: they carry the signature). */
function describeFailure(error: unknown, timeoutMs: number, timedOut: boolean): string {
  if (timedOut) return `no answer within ${timeoutMs} ms`;
  if (error instanceof NonPublicAddressError) return `refused: ${error.message}`;
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET') return 'connection reset by the receiver';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `host not found: ${message}`;
  return code ? `${code}: ${message}` : message;
}

/**
 * POSTs outbound webhooks. Redirects are not followed (a 3xx is a failed attempt, like any
 * other non-2xx), each attempt has its own deadline, and every connection is checked against
 * non-public addresses unless they are allowed.
 */
export function createWebhookSender(options: SenderOptions) {
  // Connections are kept and reused: each one's address was checked when it was opened (the
  // guarded lookup runs for every new socket), and a reused one stays on that address. Idle
  // ones close before a receiver's usual keep-alive timeout (Node's server: 5 s).
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 64, timeout: 4000 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 64, timeout: 4000 }),
  };
  return {
    async send(request: OutboundRequest): Promise<SendOutcome> {
      assertNoOpenTransaction('a webhook delivery');
      const started = performance.now();
      const finish = (statusCode: number | null, error: string | null): SendOutcome => ({
        statusCode, error, delivered: statusCode !== null && statusCode >= 200 && statusCode < 300, durationMs: performance.now() - started,
      });
      let url: URL;
      try {
        url = new URL(request.url);
      } catch {
        return finish(null, 'not a valid URL');
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return finish(null, `unsupported scheme ${url.protocol}`);
      // A literal address is connected to without any lookup, so it is checked here.
      const hostProblem = options.allowPrivateUrls ? null : nonPublicHostProblem(url.hostname);
      if (hostProblem) return finish(null, `refused: ${hostProblem}`);
      try {
        const statusCode = await post(url, request, options, agents[url.protocol]);
        return finish(statusCode, statusCode >= 200 && statusCode < 300 ? null : describeStatus(statusCode));
      } catch (error: unknown) {
        return finish(null, describeFailure(error, options.timeoutMs, error instanceof DeadlineError));
      }
    },
    /** Closes kept connections (at shutdown). */
    close(): void {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}

class DeadlineError extends Error {
  override name = 'DeadlineError';
}

function describeStatus(statusCode: number): string {
  if (statusCode >= 300 && statusCode < 400) return `HTTP ${statusCode} (redirects are not followed)`;
  return `HTTP ${statusCode}`;
}

/** Sends the request and reads the answer (dropped) within the deadline; resolves to the status. */
function post(url: URL, request: OutboundRequest, options: SenderOptions, agent: http.Agent): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const transport = url.protocol === 'https:' ? https : http;
    const body = Buffer.from(request.body, 'utf8');
    const outgoing = transport.request(url, {
      method: 'POST',
      headers: { ...request.headers, 'content-length': String(body.length) },
      agent,
      lookup: options.allowPrivateUrls ? undefined : guardedLookup,
    }, (response) => {
      let read = 0;
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_RESPONSE_BYTES) response.destroy();
      });
      const settle = () => {
        clearTimeout(timer);
        resolve(response.statusCode ?? 0);
      };
      response.on('error', settle);
      response.on('close', settle);
    });
    const timer = setTimeout(() => outgoing.destroy(new DeadlineError('deadline')), options.timeoutMs);
    outgoing.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    outgoing.on('close', () => clearTimeout(timer));
    outgoing.end(body);
  });
}

export type WebhookSender = ReturnType<typeof createWebhookSender>;
