import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isAppError } from '../shared/errors.ts';
import { describeValidationErrors } from './validation.ts';
import { errorEnvelope } from './envelope.ts';

interface WireError {
  status: number;
  code: string;
  messages: readonly string[];
  meta?: Record<string, unknown>;
}

/** Fastify's own error codes, mapped to the statuses and codes of API.md §0. */
const FASTIFY_ERRORS: Record<string, { status: number; code: string; message?: string }> = {
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
  }
  // JSON.parse failures surface with a 400 status and a SyntaxError-like message.
  if (fe && fe.statusCode === 400 && fe instanceof SyntaxError) {
    return { status: 400, code: 'BAD_REQUEST', messages: [`Malformed JSON body: ${fe.message}`] };
  }
  return null;
}

/** The single place that writes error responses. Unknown errors are logged and never leak. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const wire = toWireError(error);
    if (wire === null || wire.status >= 500) {
      request.log.error({ err: error, requestId: request.id }, 'request failed');
    }
    const out = wire ?? { status: 500, code: 'INTERNAL', messages: ['Internal server error'] };
    if (out.status >= 500 && out.code === 'INTERNAL') out.messages = ['Internal server error'];
    return reply.status(out.status).send(errorEnvelope(out.code, request.id, out.messages, out.meta));
  });

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) =>
    reply.status(404).send(errorEnvelope('NOT_FOUND', request.id, ['Not Found'])),
  );
}
