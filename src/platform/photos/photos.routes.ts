import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest, FastifySchema, FastifySchemaCompiler } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../../http/auth.ts';
import { envelope } from '../../http/envelope.ts';
import { unstorableText } from '../../http/request-checks.ts';
import { createValidatorCompiler } from '../../http/validation.ts';
import { badRequest } from '../../shared/errors.ts';
import type { PhotosService, UploadPart } from './photos.service.ts';
import { DownloadQuery, Photo, PhotoIdParams, PhotoWithUrl, UploadPhotoBody } from './photos.schemas.ts';

const ok = <T extends Parameters<typeof Type.Object>[0][string]>(data: T) =>
  ({ 200: Type.Object({ _data: data, _meta: Type.Object({}) }) }) as const;

/** The multipart body is documented in OpenAPI but read by the handler as a stream, not validated up front. */
function skipBodyValidation(): FastifySchemaCompiler<FastifySchema> {
  const compile = createValidatorCompiler();
  return (route) => (route.httpPart === 'body' ? () => true : compile(route));
}

/** Hands the multipart parts to the service in order; malformed multipart data is the client's error. */
async function* uploadParts(request: FastifyRequest): AsyncGenerator<UploadPart> {
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
      // A field sent with a JSON content type arrives parsed; the service only takes text.
      const value = typeof part.value === 'string' ? part.value : JSON.stringify(part.value);
      const problem = unstorableText(value);
      if (problem) throw badRequest(`Multipart field ${JSON.stringify(part.fieldname)} ${problem}`);
      yield { kind: 'field', name: part.fieldname, value, truncated: part.valueTruncated };
    }
  }
}

/** API.md §7: upload (with or without a client-chosen id), fetch, and the signed download link. */
export function photosRoutes(service: PhotosService, maxBytes: number) {
  return async (root: FastifyInstance): Promise<void> => {
    // One file and a few short fields. Busboy may pass one byte over the limit so that the
    // service, which counts the bytes itself, is the one that refuses the file (413).
    await root.register(multipart, {
      limits: { fileSize: maxBytes + 1, files: 1, fields: 8, fieldSize: 1024, parts: 10, headerPairs: 50 },
    });
    // An upload refused part-way (too large, not an image, an unexpected part) is answered
    // before the client has sent the rest. The rest is detached from the multipart parser and
    // drained: otherwise the client blocks on a full socket and may never read the answer, and
    // the connection stalls for the next request. (Node drains by itself only bodies nobody
    // started reading.)
    root.addHook('onSend', async (request) => {
      if (request.raw.readableEnded) return;
      request.raw.unpipe();
      request.raw.resume();
    });
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['photos'];
    const validatorCompiler = skipBodyValidation();
    const upload = {
      tags,
      consumes: ['multipart/form-data'],
      body: UploadPhotoBody,
      response: ok(Photo),
    };

    app.post('/v1/ext/photo', { schema: { ...upload, summary: 'Upload Photo API' }, validatorCompiler },
      async (request) => envelope(await service.upload(principalOf(request), undefined, uploadParts(request))));

    app.post('/v1/ext/photo/:photoId', {
      schema: { ...upload, summary: 'Upload Photo API With Id', description: 'Idempotent: the same id with the same bytes answers 200 with the same photo; different bytes 409.', params: PhotoIdParams },
      validatorCompiler,
    }, async (request) => envelope(await service.upload(principalOf(request), request.params.photoId, uploadParts(request))));

    app.get('/v1/ext/photo/:photoId', { schema: { tags, summary: 'Fetch Photo API', params: PhotoIdParams, response: ok(PhotoWithUrl) } },
      async (request) => envelope(await service.get(principalOf(request), request.params.photoId)));

    app.get('/v1/ext/photo/:photoId/download', {
      config: { public: true },
      schema: {
        tags,
        summary: 'Download Photo (signed link)',
        description: 'The `url` of Fetch Photo: serves the bytes without a token while the link is valid (5 minutes); expired or altered links answer 403.',
        security: [],
        params: PhotoIdParams,
        querystring: DownloadQuery,
        produces: ['image/png', 'image/jpeg', 'image/gif', 'image/webp'],
      },
    }, async (request, reply) => {
      const download = await service.openDownload(request.params.photoId, request.query.expires, request.query.signature);
      return reply
        .header('content-type', download.mimeType)
        .header('content-length', String(download.size))
        .header('cache-control', `private, max-age=${download.maxAgeSeconds}, immutable`)
        .header('etag', `"${download.sha256}"`)
        .header('x-content-type-options', 'nosniff')
        .header('content-disposition', 'inline')
        .send(download.stream);
    });
  };
}
