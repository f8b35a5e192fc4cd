/**
 * Meta's errors, as the Graph API writes them: `{error: {message: "(#code) title", type, code,
 * error_data: {messaging_product, details}, fbtrace_id}}` with the HTTP status Meta uses for the
 * code. Clients key on `code`, so each code keeps one title here and callers add the details.
 */
import { randomBytes } from 'node:crypto';

interface CodeInfo {
  readonly title: string;
  readonly status: number;
  readonly type?: string;
}

/** The codes the sandbox produces. Throttling codes answer 429 (Meta's current table). */
const CODES: Record<number, CodeInfo> = {
  100: { title: 'Invalid parameter', status: 400 },
  190: { title: 'Invalid OAuth access token - Cannot parse access token', status: 401 },
  130429: { title: 'Rate limit hit', status: 429 },
  131000: { title: 'Something went wrong', status: 500 },
  131008: { title: 'Required parameter is missing', status: 400 },
  131009: { title: 'Parameter value is not valid', status: 400 },
  131016: { title: 'Service unavailable', status: 503 },
  131026: { title: 'Message undeliverable', status: 400 },
  131047: { title: 'Re-engagement message', status: 400 },
  131053: { title: 'Media upload error', status: 400 },
  131056: { title: '(Business Account, Consumer Account) pair rate limit hit', status: 429 },
  132000: { title: 'Number of parameters does not match the expected number of params', status: 400 },
  132001: { title: 'Template name does not exist in the translation', status: 404 },
  132012: { title: 'Parameter format does not match format in the created template', status: 400 },
  138000: { title: 'Calling not enabled', status: 400 },
  138006: { title: 'No approved call permission from the recipient', status: 400 },
};

export function titleOf(code: number): string {
  return CODES[code]?.title ?? 'Error';
}

export function defaultStatusOf(code: number): number {
  return CODES[code]?.status ?? 400;
}

export interface GraphErrorOptions {
  readonly status?: number;
  readonly type?: string;
  readonly subcode?: number;
  /** Replaces the code's title after "(#code) " (Meta's object errors read differently). */
  readonly message?: string;
}

/** An error the sandbox answers in Meta's shape. */
export class GraphError extends Error {
  readonly code: number;
  readonly status: number;
  readonly type: string;
  readonly subcode: number | undefined;
  readonly details: string;

  constructor(code: number, details: string, options: GraphErrorOptions = {}) {
    super(`(#${code}) ${options.message ?? titleOf(code)}`);
    this.name = 'GraphError';
    this.code = code;
    this.details = details;
    this.status = options.status ?? defaultStatusOf(code);
    this.type = options.type ?? 'OAuthException';
    this.subcode = options.subcode;
  }
}

export const missingParameter = (name: string): GraphError =>
  new GraphError(131008, `The parameter ${name} is required.`);

export const invalidParameter = (details: string): GraphError => new GraphError(131009, details);

export const invalidToken = (): GraphError =>
  new GraphError(190, 'The access token is missing, malformed or not one this sandbox knows.');

/** What Meta answers for an id that does not exist or that the token may not see. */
export function unknownObject(id: string, method: string): GraphError {
  const verb = method.toLowerCase() === 'get' ? 'get' : method.toLowerCase() === 'delete' ? 'delete' : 'post';
  const message = `Unsupported ${verb} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`;
  return new GraphError(100, message, { type: 'GraphMethodException', subcode: 33, message });
}

/** A random trace id in the style of Meta's (support asks for it; clients only log it). */
export function newTraceId(): string {
  return randomBytes(17).toString('base64url').slice(0, 23);
}

export function graphErrorBody(error: GraphError): Record<string, unknown> {
  return {
    error: {
      message: error.message,
      type: error.type,
      code: error.code,
      error_data: { messaging_product: 'whatsapp', details: error.details },
      ...(error.subcode === undefined ? {} : { error_subcode: error.subcode }),
      fbtrace_id: newTraceId(),
    },
  };
}

/** The error object of a `failed` status webhook (no HTTP status, no trace id). */
export function asyncErrorObject(code: number, details: string): Record<string, unknown> {
  return {
    code,
    title: titleOf(code),
    message: titleOf(code),
    error_data: { details },
    href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
  };
}
