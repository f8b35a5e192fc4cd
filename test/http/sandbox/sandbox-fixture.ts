/**
 * A real sandbox on 127.0.0.1 port 0 driven by a manual clock, and a webhook receiver on port 0
 * that keeps the exact bytes of every delivery. Tests talk to both over HTTP.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createManualTime, startSandbox, type ManualTime, type RunningSandbox, type SandboxAccount, type SandboxSettingsPatch,
} from '../../../src/whatsapp/sandbox/index.ts';

export const WABA_ID = '102290129340398';
export const PHONE_ID = '106540352242922';
export const DISPLAY_NUMBER = '15550783881';
export const TOKEN = 'EAAG-sandbox-token-1';
export const APP_SECRET = 'sandbox-app-secret-1';
export const OTHER_WABA_ID = '203344556677889';
export const OTHER_PHONE_ID = '209988776655443';
export const OTHER_TOKEN = 'EAAG-sandbox-token-2';
export const USER = '16505551234';

export interface ReceivedWebhook {
  readonly raw: Buffer;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: any;
}

/** Answers each webhook with the next status in `statuses` (then 200), keeping what arrived. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  statuses: number[] = [];
  attempts = 0;
  #server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.attempts += 1;
      const status = this.statuses.shift() ?? 200;
      const raw = Buffer.concat(chunks);
      if (status === 200) this.received.push({ raw, headers: req.headers, body: JSON.parse(raw.toString('utf8')) });
      res.writeHead(status).end();
    });
  });
  url = '';

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/webhook`;
    return this;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  clear(): void {
    this.received.length = 0;
    this.statuses = [];
    this.attempts = 0;
  }

  /** Waits (on I/O, not on a clock) until `count` webhooks arrived. */
  async waitFor(count: number, timeoutMs = 5_000): Promise<ReceivedWebhook[]> {
    await until(() => this.received.length >= count, timeoutMs, () => `expected ${count} webhooks, got ${this.received.length}`);
    return this.received.slice(0, count);
  }

  /** The status objects received so far, in arrival order. */
  statusEvents(): any[] {
    return this.received.flatMap((w) => w.body.entry[0].changes[0].value.statuses ?? []);
  }
}

export async function until(check: () => boolean, timeoutMs = 5_000, describe = () => 'condition not met'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function hmacHex(secret: string, raw: Buffer): string {
  return createHmac('sha256', secret).update(raw).digest('hex');
}

export interface Harness {
  readonly sandbox: RunningSandbox;
  readonly time: ManualTime;
  readonly receiver: WebhookReceiver;
  graph(method: string, path: string, options?: { body?: unknown; token?: string | null; headers?: Record<string, string> }): Promise<{ status: number; body: any }>;
  control(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  send(message: Record<string, unknown>, phoneId?: string): Promise<{ status: number; body: any }>;
  /** A user writes to the business (opens the window). */
  userWrites(from?: string, text?: string): Promise<string>;
  /** Runs everything due within `ms` of sandbox time. */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

export function account(callbackUrl: string): SandboxAccount {
  return { wabaId: WABA_ID, accessToken: TOKEN, appSecret: APP_SECRET, callbackUrl, phoneNumbers: [{ id: PHONE_ID, displayPhoneNumber: DISPLAY_NUMBER }] };
}

export async function startHarness(settings: SandboxSettingsPatch = {}): Promise<Harness> {
  const time = createManualTime();
  const receiver = await new WebhookReceiver().start();
  // Lists start empty, so tests count only their own templates (the sample is tested with the server).
  const sandbox = await startSandbox({ host: '127.0.0.1', port: 0, clock: time.clock, scheduler: time.scheduler, settings, sampleTemplates: false });
  sandbox.registerAccount(account(receiver.url));
  sandbox.registerAccount({
    wabaId: OTHER_WABA_ID, accessToken: OTHER_TOKEN, appSecret: 'other-secret', phoneNumbers: [{ id: OTHER_PHONE_ID, displayPhoneNumber: '15550000002' }],
  });
  const request = async (method: string, path: string, body: unknown, headers: Record<string, string>) => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    const response = await fetch(sandbox.url + path, init);
    const text = await response.text();
    return { status: response.status, body: text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
  };
  const harness: Harness = {
    sandbox, time, receiver,
    graph: (method, path, options = {}) => {
      const token = options.token === undefined ? TOKEN : options.token;
      return request(method, path, options.body, { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...options.headers });
    },
    control: (method, path, body) => request(method, path, body, {}),
    send: (message, phoneId = PHONE_ID) => harness.graph('POST', `/v21.0/${phoneId}/messages`, { body: { messaging_product: 'whatsapp', ...message } }),
    async userWrites(from = USER, text = 'hello') {
      const r = await harness.control('POST', '/_sandbox/inbound', { phoneNumberId: PHONE_ID, from, type: 'text', text: { body: text } });
      if (r.status !== 200) throw new Error(`inbound failed: ${JSON.stringify(r.body)}`);
      return r.body.id;
    },
    advance: (ms) => time.advance(ms),
    async close() {
      await sandbox.close();
      await receiver.close();
    },
  };
  return harness;
}

/** Meta's error shape, checked field by field. */
export function assertGraphError(response: { status: number; body: any }, status: number, code: number): void {
  if (response.status !== status || response.body?.error?.code !== code) {
    throw new Error(`expected HTTP ${status} with code ${code}, got ${response.status} ${JSON.stringify(response.body)}`);
  }
  const error = response.body.error;
  if (!error.message.startsWith(`(#${code}) `)) throw new Error(`message "${error.message}" does not start with (#${code})`);
  if (typeof error.type !== 'string' || typeof error.fbtrace_id !== 'string') throw new Error('type or fbtrace_id missing');
  if (error.error_data?.messaging_product !== 'whatsapp' || typeof error.error_data?.details !== 'string') throw new Error('error_data missing');
}
