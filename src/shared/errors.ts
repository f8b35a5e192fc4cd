/**
 * Typed application errors. Every error a client can see is an AppError with a stable machine
 * code (API.md §0) and an HTTP status; one error handler turns it into the envelope. Statuses
 * are never chosen by matching message text.
 */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'VALIDATION_FAILED'
  | 'UNKNOWN_ATTRIBUTE'
  | 'INVALID_QUERY'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'REQUEST_TIMEOUT'
  | 'PAYLOAD_TOO_LARGE'
  | 'URI_TOO_LONG'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'EXPECTATION_FAILED'
  | 'RATE_LIMITED'
  | 'HEADERS_TOO_LARGE'
  | 'INTERNAL'
  | 'SERVICE_UNAVAILABLE'
  | 'QUERY_TIMEOUT'
  | 'UPSTREAM_ERROR'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_TIMEOUT';

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Human-readable messages, most useful first; each becomes one `_errors` string. */
  readonly messages: readonly string[];
  /** Extra `_meta` keys for this error (e.g. an upstream error object). */
  readonly meta: Readonly<Record<string, unknown>>;

  constructor(
    code: ErrorCode,
    status: number,
    messages: string | readonly string[],
    options?: { cause?: unknown; meta?: Record<string, unknown> },
  ) {
    const list = typeof messages === 'string' ? [messages] : messages;
    super(list[0] ?? code, { cause: options?.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.messages = list.length > 0 ? list : [code];
    this.meta = options?.meta ?? {};
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

export const badRequest = (messages: string | readonly string[], cause?: unknown): AppError =>
  new AppError('BAD_REQUEST', 400, messages, { cause });

export const validationFailed = (messages: string | readonly string[]): AppError =>
  new AppError('VALIDATION_FAILED', 400, messages);

export const unauthorized = (message = 'Missing or invalid access token'): AppError =>
  new AppError('UNAUTHORIZED', 401, message);

export const forbidden = (message = 'Your role may not do this'): AppError =>
  new AppError('FORBIDDEN', 403, message);

/** Also used for objects of other teams: never reveal whether an id exists elsewhere. */
export const notFound = (message = 'Not Found'): AppError => new AppError('NOT_FOUND', 404, message);

export const conflict = (message: string, cause?: unknown): AppError =>
  new AppError('CONFLICT', 409, message, { cause });

export const payloadTooLarge = (message = 'Payload too large'): AppError =>
  new AppError('PAYLOAD_TOO_LARGE', 413, message);

export const unsupportedMediaType = (message: string): AppError =>
  new AppError('UNSUPPORTED_MEDIA_TYPE', 415, message);

/** Describes a value for error messages: `"abc"`, `12`, `null`, `an object`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
