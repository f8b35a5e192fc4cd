import { AppError } from '../../shared/errors.ts';

/** Meta's error object (`{"error": {…}}`), as much of it as Meta sent. */
export interface MetaError {
  readonly message?: string;
  readonly type?: string;
  readonly code?: number;
  readonly error_subcode?: number;
  readonly error_data?: { readonly messaging_product?: string; readonly details?: string };
  readonly fbtrace_id?: string;
  readonly [key: string]: unknown;
}

/** Meta answered with an error status: its HTTP status and body are kept as they came. */
export class GraphApiError extends Error {
  override name = 'GraphApiError';
  readonly status: number;
  /** The body as Meta sent it (parsed JSON when it was JSON, else the text). */
  readonly body: unknown;
  /** `body.error` when Meta sent its error object. */
  readonly metaError: MetaError | null;

  constructor(status: number, body: unknown) {
    const metaError = metaErrorOf(body);
    super(metaError?.message ?? `Graph API answered HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.metaError = metaError;
  }
}

/** No answer within the time budget. The request may have reached Meta: never re-sent. */
export class GraphTimeoutError extends Error {
  override name = 'GraphTimeoutError';
}

/** The Graph API could not be reached (refused, reset, DNS); nothing was answered. */
export class GraphUnreachableError extends Error {
  override name = 'GraphUnreachableError';
}

function metaErrorOf(body: unknown): MetaError | null {
  if (typeof body !== 'object' || body === null || !('error' in body)) return null;
  const error = (body as { error: unknown }).error;
  return typeof error === 'object' && error !== null && !Array.isArray(error) ? (error as MetaError) : null;
}

/** Meta's `(#code) title` line, e.g. "(#131009) Parameter value is not valid". */
export function metaErrorLine(error: GraphApiError): string {
  const meta = error.metaError;
  if (!meta) return error.message;
  const message = meta.message ?? 'Graph API error';
  return meta.code !== undefined && !message.startsWith('(#') ? `(#${meta.code}) ${message}` : message;
}

const GRAPH_VERSION = /^v\d{1,3}\.\d{1,3}$/;

/** A Graph API version from a path (`v17.0` … `v24.0`, any `v<major>.<minor>`); else a 400. */
export function checkGraphVersion(version: string): void {
  if (!GRAPH_VERSION.test(version)) {
    throw new AppError('BAD_REQUEST', 400, `version: expected a Graph API version such as v21.0, got "${version.slice(0, 40)}"`);
  }
}
