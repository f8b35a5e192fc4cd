import { assertNoOpenTransaction } from '../../db/database.ts';
import { GraphApiError, GraphTimeoutError, GraphUnreachableError } from './graph-errors.ts';

export interface GraphTarget {
  /** `https://graph.facebook.com`, another base, or `sandbox:` (resolved by the client). */
  readonly graphApiUrl: string;
  readonly accessToken: string;
}

export interface GraphRequest {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** From the version on, e.g. `/v21.0/106540352242922/messages`; or an absolute URL Meta handed out (a media download link). */
  readonly path: string;
  readonly query?: URLSearchParams;
  /** A JSON body, sent as `application/json`. */
  readonly json?: unknown;
  /** Any other body (multipart `FormData`, bytes); its content type comes with it or in `contentType`. */
  readonly body?: FormData | Uint8Array;
  readonly contentType?: string;
  readonly timeoutMs?: number;
  /** Read the answer as bytes (media downloads) instead of text. */
  readonly binary?: boolean;
}

export interface GraphResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The body as text, exactly as sent (pass-through routes forward it unchanged). */
  readonly text: string;
  /** The body parsed, or undefined when it is not JSON. */
  readonly json: unknown;
  /** The body's bytes, when `binary` was asked for. */
  readonly bytes?: Buffer;
}

export interface GraphClientOptions {
  readonly timeoutMs: number;
  /** Where `sandbox:` points (the in-process sandbox), or null when none runs. */
  readonly sandboxUrl: () => string | null;
  /** Pauses between retries of a safe request (tests pass a fast one). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Network failures that happened before the request was written: safe to try again. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
const RETRY_DELAYS_MS = [100, 400];

/**
 * The one way this server calls Meta's Graph API (or the sandbox): `fetch`, whose connections
 * are kept alive per origin, a time budget per call, and Meta's errors raised as GraphApiError
 * with Meta's HTTP status and body. A GET is tried again after a failed connection or a 502,
 * 503 or 504; anything else is tried again only when the connection was refused before the
 * request left, because a message sent twice reaches a customer twice. Calls made while a
 * database transaction is open throw: a transaction must never wait on the network.
 */
export function createGraphClient(options: GraphClientOptions) {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  function baseUrlOf(graphApiUrl: string): string {
    if (graphApiUrl !== 'sandbox:') return graphApiUrl.replace(/\/+$/, '');
    const url = options.sandboxUrl();
    if (!url) throw new GraphUnreachableError('the plugin uses the built-in sandbox, which is not running in this process');
    return url;
  }

  async function once(target: GraphTarget, request: GraphRequest): Promise<GraphResponse> {
    const base = /^https?:\/\//.test(request.path) ? '' : baseUrlOf(target.graphApiUrl);
    const url = `${base}${request.path}${request.query && [...request.query].length > 0 ? `?${request.query}` : ''}`;
    const headers: Record<string, string> = { authorization: `Bearer ${target.accessToken}`, accept: 'application/json' };
    let body: string | FormData | Uint8Array | undefined = request.body;
    if (request.json !== undefined) {
      body = JSON.stringify(request.json);
      headers['content-type'] = 'application/json';
    } else if (request.contentType) {
      headers['content-type'] = request.contentType;
    }
    let response: Response;
    try {
      response = await fetch(url, { method: request.method, headers, body, signal: AbortSignal.timeout(request.timeoutMs ?? options.timeoutMs) });
    } catch (error: unknown) {
      throw describeFailure(error);
    }
    let bytes: Buffer;
    try {
      bytes = Buffer.from(await response.arrayBuffer());
    } catch (error: unknown) {
      throw describeFailure(error);
    }
    const text = request.binary && response.ok ? '' : bytes.toString('utf8');
    const json = parseJson(text);
    if (!response.ok) throw new GraphApiError(response.status, json === undefined ? text : json);
    return { status: response.status, headers: response.headers, text, json, ...(request.binary ? { bytes } : {}) };
  }

  return {
    async request(target: GraphTarget, request: GraphRequest): Promise<GraphResponse> {
      assertNoOpenTransaction('The Graph API');
      for (let attempt = 0; ; attempt += 1) {
        try {
          return await once(target, request);
        } catch (error: unknown) {
          if (attempt >= RETRY_DELAYS_MS.length || !mayRetry(request, error)) throw error;
          await sleep(RETRY_DELAYS_MS[attempt]);
        }
      }
    },
  };
}

export type GraphClient = ReturnType<typeof createGraphClient>;

function mayRetry(request: GraphRequest, error: unknown): boolean {
  if (error instanceof GraphUnreachableError) return request.method === 'GET' || NOT_SENT.has(codeOf(error.cause) ?? '');
  if (error instanceof GraphApiError) return request.method === 'GET' && [502, 503, 504].includes(error.status);
  return false;
}

function describeFailure(error: unknown): Error {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return new GraphTimeoutError('the Graph API did not answer in time', { cause: error });
  const code = codeOf((error as { cause?: unknown } | null)?.cause) ?? codeOf(error);
  return new GraphUnreachableError(`the Graph API could not be reached${code ? ` (${code})` : ''}`, { cause: (error as { cause?: unknown }).cause ?? error });
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
