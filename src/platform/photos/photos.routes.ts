import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../../http/auth.ts';
import { envelope } from '../../http/envelope.ts';
import { registerMultipart, skipBodyValidation, uploadParts } from '../../http/multipart.ts';
import type { PhotosService } from './photos.service.ts';
import { DownloadQuery, Photo, PhotoIdParams, PhotoWithUrl, UploadPhotoBody } from './photos.schemas.ts';

const ok = <T extends Parameters<typeof Type.Object>[0][string]>(data: T) =>
  ({ 200: Type.Object({ _data: data, _meta: Type.Object({}) }) }) as const;

/** API.md §7: upload (with or without a client-chosen id), fetch, and the signed download link. */
export function photosRoutes(service: PhotosService, maxBytes: number) {
  return async (root: FastifyInstance): Promise<void> => {
    // One file and a few short fields.
    await registerMultipart(root, { fileSize: maxBytes, fields: 8, fieldSize: 1024 });
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
