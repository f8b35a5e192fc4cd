import { Type } from 'typebox';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { principalOf } from '../../http/auth.ts';
import { envelope } from '../../http/envelope.ts';
import { registerMultipart, skipBodyValidation, uploadParts } from '../../http/multipart.ts';
import type { PublicMediaService } from './public-media.service.ts';
import type { WhatsappMediaService } from './whatsapp-media.service.ts';

const MediaParams = Type.Object({ version: Type.String(), mediaId: Type.String() });
const MediaObject = Type.Object({
  messaging_product: Type.String(), id: Type.String(), mime_type: Type.String(), sha256: Type.String(), file_size: Type.Integer(),
  url: Type.String({ description: "This server's Show link; GET it with the same bearer token" }),
});

const UploadBody = Type.Object({
  file: Type.String({ format: 'binary', description: 'The file; its type is told from its bytes' }),
  filename: Type.Optional(Type.String({ description: 'The name to keep (else the part\'s file name)' })),
});

/** A stored file's bytes with its type; nothing served here may run as a page, whatever a browser makes of it. */
function sendFile(reply: FastifyReply, media: { stream: Readable; size: number; mimeType: string; sha256: string }, cacheControl: string, disposition: string) {
  return reply
    .header('content-type', media.mimeType)
    .header('content-length', String(media.size))
    .header('etag', `"${media.sha256}"`)
    .header('cache-control', cacheControl)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('content-disposition', disposition)
    .send(media.stream);
}

/** API.md §8.3: Upload Public Media and the public URLs it hands out; Fetch and Show WhatsApp Media. */
export function mediaRoutes(service: PublicMediaService, whatsappMedia: WhatsappMediaService, maxBytes: number) {
  return async (root: FastifyInstance): Promise<void> => {
    await registerMultipart(root, { fileSize: maxBytes, fields: 4, fieldSize: 1024 });
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    app.post('/v1/ext/plugin/whatsapp/:pluginId/upload-public-media', {
      schema: {
        tags: ['whatsapp'], summary: 'Upload Public Media', consumes: ['multipart/form-data'], params: Type.Object({ pluginId: Type.String() }), body: UploadBody,
        response: { 200: Type.Object({ _data: Type.Object({ publicMediaUrl: Type.String() }), _meta: Type.Object({}) }) },
      },
      validatorCompiler: skipBodyValidation(),
    }, async (request) => envelope(await service.upload(principalOf(request), request.params.pluginId, uploadParts(request))));

    app.get('/v1/whatsapp/:version/media/:mediaId', {
      schema: { tags: ['whatsapp'], summary: 'Fetch Whatsapp Media API', params: MediaParams, response: { 200: Type.Object({ _data: MediaObject, _meta: Type.Object({}) }) } },
    }, async (request) => envelope(await whatsappMedia.fetch(principalOf(request), request.params.version, request.params.mediaId)));

    for (const prefix of ['/v1', '/v2']) {
      app.get(`${prefix}/whatsapp/:version/media/:mediaId/show`, {
        schema: { tags: ['whatsapp'], summary: 'Show Whatsapp Media API (the bytes)', params: MediaParams },
      }, async (request, reply) => {
        const media = await whatsappMedia.show(principalOf(request), request.params.version, request.params.mediaId);
        return sendFile(reply, media, 'private, max-age=3600', 'inline');
      });
    }

    app.get('/public-media/*', {
      config: { public: true },
      schema: { tags: ['whatsapp'], summary: 'A public media file (no token; the URL is the key)', security: [] },
    }, async (request, reply) => {
      const media = await service.open((request.params as { '*': string })['*']);
      const inline = /^(image|video|audio)\//.test(media.mimeType) || media.mimeType === 'application/pdf';
      const name = (media.filename ?? 'file').replace(/[^\w.-]+/g, '_');
      return sendFile(reply, media, 'public, max-age=31536000, immutable', `${inline ? 'inline' : 'attachment'}; filename="${name}"`);
    });
  };
}
