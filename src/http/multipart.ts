import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest, FastifySchema, FastifySchemaCompiler } from 'fastify';
import type { Readable } from 'node:stream';
import { badRequest } from '../shared/errors.ts';
import { unstorableText } from './request-checks.ts';
import { createValidatorCompiler } from './validation.ts';

/** One part of a multipart body, in the order the client sent them. */
export type UploadPart =
  | { readonly kind: 'file'; readonly name: string; readonly filename: string; readonly stream: Readable }
  | { readonly kind: 'field'; readonly name: string; readonly value: string; readonly truncated: boolean };

export interface MultipartLimits {
  readonly fileSize: number;
  readonly fields: number;
  readonly fieldSize: number;
}

/**
 * Registers multipart parsing in the caller's plugin scope. An upload refused part-way (too
 * large, the wrong type, an unexpected part) is answered before the client has sent the rest;
 * the rest is detached from the parser and drained, otherwise the client blocks on a full
 * socket and may never read the answer. (Node drains by itself only bodies nobody started
 * reading.) Busboy may pass one byte over `fileSize`, so the service that counts the bytes
 * itself is the one that refuses the file (413).
 */
export async function registerMultipart(root: FastifyInstance, limits: MultipartLimits): Promise<void> {
  await root.register(multipart, {
    limits: { fileSize: limits.fileSize + 1, files: 1, fields: limits.fields, fieldSize: limits.fieldSize, parts: limits.fields + 2, headerPairs: 50 },
  });
  root.addHook('onSend', async (request) => {
    if (request.raw.readableEnded) return;
    request.raw.unpipe();
    request.raw.resume();
  });
}

/** The multipart body is documented in OpenAPI but read by the handler as a stream, not validated up front. */
export function skipBodyValidation(): FastifySchemaCompiler<FastifySchema> {
  const compile = createValidatorCompiler();
  return (route) => (route.httpPart === 'body' ? () => true : compile(route));
}

/** The parts of a multipart body; malformed multipart data is the client's error. */
export async function* uploadParts(request: FastifyRequest): AsyncGenerator<UploadPart> {
  const iterator = request.parts()[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Awaited<ReturnType<typeof iterator.next>>['value']>;
    try {
      next = await iterator.next();
    } catch (error: unknown) {
      // Errors with a code (limits, not multipart at all) are mapped by the error handler.
      if (typeof (error as { code?: unknown }).code === 'string') throw error;
      throw badRequest(`Malformed multipart body: ${(error as Error).message}`, error);
    }
    if (next.done) return;
    const part = next.value;
    // File names and field values are stored: text no database can store is refused, as in JSON
    // bodies, and so are part names holding it. (Busboy leaves the name of a nameless part undefined.)
    const nameProblem = unstorableText(part.fieldname ?? '');
    if (nameProblem) throw badRequest(`A multipart part name ${nameProblem}`);
    if (part.type === 'file') {
      const problem = unstorableText(part.filename ?? '');
      if (problem) throw badRequest(`The file name of multipart part ${JSON.stringify(part.fieldname)} ${problem}`);
      yield { kind: 'file', name: part.fieldname, filename: part.filename, stream: part.file };
    } else {
      // A field sent with a JSON content type arrives parsed; services only take text.
      const value = typeof part.value === 'string' ? part.value : JSON.stringify(part.value);
      const problem = unstorableText(value);
      if (problem) throw badRequest(`Multipart field ${JSON.stringify(part.fieldname)} ${problem}`);
      yield { kind: 'field', name: part.fieldname, value, truncated: part.valueTruncated };
    }
  }
}
