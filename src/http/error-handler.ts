import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isAppError, type ErrorCode } from '../shared/errors.ts';
import { redactTokens } from '../shared/logger.ts';
import { describeValidationErrors } from './validation.ts';
import { errorEnvelope } from './envelope.ts';
import { MAX_PARAM_LENGTH, requestIdFor } from './request-checks.ts';

interface WireError {
  status: number;
  code: ErrorCode;
  messages: readonly string[];
  meta?: Record<string, unknown>;
}

/** Fastify's own error codes, mapped to the statuses and codes of API.md §0. */
const FASTIFY_ERRORS: Record<string, { status: number; code: ErrorCode; message?: string }> = {
  FST_ERR_BAD_URL: { status: 400, code: 'BAD_REQUEST', message: 'Malformed URL: the path is not valid percent-encoded UTF-8' },
  // 414 (not 400): the request is well formed, only longer than this server takes.
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: 'URI_TOO_LONG', message: `A path segment is longer than ${MAX_PARAM_LENGTH} characters` },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'BAD_REQUEST' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'BAD_REQUEST', message: 'Body cannot be empty when content-type is set to application/json' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'BAD_REQUEST' },
  FST_INVALID_MULTIPART_CONTENT_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Expected a multipart/form-data body' },
  FST_REQ_FILE_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'File is too large' },
  FST_FILES_LIMIT: { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Too many files' },
  FST_PARTS_LIMIT: { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Too many parts' },
  FST_FIELDS_LIMIT: { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Too many fields' },
  FST_PROTO_VIOLATION: { status: 400, code: 'BAD_REQUEST' },
  FST_INVALID_JSON_FIELD_ERROR: { status: 400, code: 'BAD_REQUEST', message: 'A multipart field declared as JSON is not valid JSON' },
  FST_MP_PREMATURE_CLOSE: { status: 400, code: 'BAD_REQUEST', message: 'The request ended before the multipart body was complete' },
};

/** Other client errors Fastify raises (by their status), so none of them becomes a 500. */
const CODE_OF_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'BAD_REQUEST', 404: 'NOT_FOUND', 408: 'REQUEST_TIMEOUT', 413: 'PAYLOAD_TOO_LARGE', 414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE', 431: 'HEADERS_TOO_LARGE',
};

function toWireError(error: unknown): WireError | null {
  if (isAppError(error)) {
    return { status: error.status, code: error.code, messages: error.messages, meta: { ...error.meta } };
  }
  const fe = error as FastifyError & { validationContext?: string };
  if (fe && Array.isArray(fe.validation)) {
    return {
      status: 400,
      code: 'VALIDATION_FAILED',
      messages: describeValidationErrors(fe.validation as never, fe.validationContext ?? 'body'),
    };
  }
  if (fe && typeof fe.code === 'string') {
    const known = FASTIFY_ERRORS[fe.code];
    if (known) return { status: known.status, code: known.code, messages: [known.message ?? fe.message] };
    const byStatus = fe.code.startsWith('FST_') && typeof fe.statusCode === 'number' ? CODE_OF_STATUS[fe.statusCode] : undefined;
    if (byStatus) return { status: fe.statusCode as number, code: byStatus, messages: [fe.message] };
  }
  // JSON.parse failures surface with a 400 status and a SyntaxError-like message.
  if (fe && fe.statusCode === 400 && fe instanceof SyntaxError) {
    return { status: 400, code: 'BAD_REQUEST', messages: [`Malformed JSON body: ${fe.message}`] };
  }
  return null;
}

/** A client that hung up while its body was read: its error, not the server's (and it is gone). */
function clientHungUp(error: unknown, request: FastifyRequest): WireError | null {
  if ((error as { code?: unknown } | null)?.code !== 'ECONNRESET' || !request.raw.readableAborted) return null;
  return { status: 400, code: 'BAD_REQUEST', messages: ['The request ended before its body was complete'] };
}

/**
 * Writes the error response of a request Fastify has routed, or failed to route (a malformed
 * URL, an over-long path parameter: Fastify's `frameworkErrors`, where no hook has run yet, so
 * the request id header is set here too). Unknown errors are logged and never leak.
 */
export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const wire = toWireError(error) ?? clientHungUp(error, request);
  if (wire === null || (wire.status >= 500 && wire.code !== 'SERVICE_UNAVAILABLE')) {
    // The request id is bound to request.log; the path has its token-shaped parts removed.
    request.log.error({ err: error, method: request.method, path: redactTokens(request.url.split('?')[0]) }, 'request failed');
  }
  const out = wire ?? { status: 500, code: 'INTERNAL', messages: ['Internal server error'] };
  if (out.status >= 500 && out.code === 'INTERNAL') out.messages = ['Internal server error'];
  return reply
    .header('x-request-id', request.id)
    .status(out.status)
    .send(errorEnvelope(out.code, request.id, out.messages, out.meta));
}

/** The single place that writes error responses. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => sendError(error, request, reply));

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) =>
    reply.status(404).send(errorEnvelope('NOT_FOUND', request.id, ['Not Found'])),
  );
}

/** Status line, headers and body of an error answered below Fastify, straight to the socket. */
function rawErrorResponse(wire: WireError, requestId: string): { status: number; headers: Record<string, string>; body: string } {
  const body = JSON.stringify(errorEnvelope(wire.code, requestId, wire.messages));
  return {
    status: wire.status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      'x-request-id': requestId,
      // The rest of what the client sent cannot be read as requests: the connection ends here.
      connection: 'close',
    },
    body,
  };
}

/**
 * Errors Node's HTTP parser raises before there is a request ('clientError'): headers over the
 * limit (431 HEADERS_TOO_LARGE, not 413: the body is not the problem), a request not received in
 * time (408), chunk extensions over the limit (413), anything malformed (400).
 */
function clientErrorWire(error: NodeJS.ErrnoException & { reason?: unknown }): WireError {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'HEADERS_TOO_LARGE', messages: [`The request line and headers are larger than ${http.maxHeaderSize} bytes`] };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'REQUEST_TIMEOUT', messages: ['The request was not received in time'] };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, code: 'PAYLOAD_TOO_LARGE', messages: ['Chunk extensions are too large'] };
    default: {
      const reason = typeof error.reason === 'string' && error.reason ? `: ${error.reason}` : '';
      return { status: 400, code: 'BAD_REQUEST', messages: [`Malformed HTTP request${reason}`] };
    }
  }
}

/**
 * Fastify's `clientErrorHandler`: answers a request Node could not parse with the envelope, as
 * a complete HTTP/1.1 response, then closes the connection. Nothing of the request is logged
 * (its bytes may hold a token), only the parser's error code, at debug level.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket, log: FastifyBaseLogger): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  log.debug({ code: error.code }, 'malformed request refused');
  // A response already under way cannot be followed by another one (as Node itself decides).
  const inProgress = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (!socket.writable || inProgress?.headersSent) {
    socket.destroy();
    return;
  }
  const { status, headers, body } = rawErrorResponse(clientErrorWire(error), randomUUID());
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\n${head}\r\n${body}`, () => socket.destroy());
}

/** Answers an `Expect` header other than `100-continue` (Node's 'checkExpectation'): 417. */
export function answerUnmetExpectation(request: IncomingMessage, response: ServerResponse): void {
  const wire: WireError = { status: 417, code: 'EXPECTATION_FAILED', messages: ['The only expectation supported is "Expect: 100-continue"'] };
  const { status, headers, body } = rawErrorResponse(wire, requestIdFor(request.headers['x-request-id']));
  response.writeHead(status, headers).end(body);
}
