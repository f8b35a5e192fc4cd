/**
 * Media upload (`POST /{v}/{phone-number-id}/media`, multipart with `file`, `type` and
 * `messaging_product`) and the download link `GET /{v}/{media-id}` hands out, which needs the
 * owning account's bearer token and answers 404 once expired.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requirePhone, tokenOf } from './graph-auth.ts';
import { GraphError, invalidToken } from './graph-errors.ts';
import type { SandboxCore } from './sandbox-core.ts';

type UploadForm = { fields: Record<string, string>; file: { bytes: Buffer; mimeType: string } | null };

export function mediaRoutes(core: SandboxCore) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post<{ Params: { version: string; phoneId: string } }>('/:version/:phoneId/media', async (request) => {
      const owner = requirePhone(core, request, request.params.phoneId);
      if (!request.isMultipart()) throw new GraphError(100, 'Upload media as multipart/form-data with file, type and messaging_product.');
      const form = await readUploadForm(request);
      if (form.fields.messaging_product !== 'whatsapp') throw new GraphError(100, 'messaging_product must be "whatsapp".');
      if (!form.file) throw new GraphError(100, 'The file field is required.');
      const mimeType = form.fields.type || form.file.mimeType;
      if (!mimeType) throw new GraphError(100, 'The type field is required.');
      const record = core.media.add({ wabaId: owner.account.wabaId, phoneNumberId: owner.phone.id }, mimeType, form.file.bytes, core.clock());
      return { id: record.id };
    });

    app.get<{ Querystring: { mid?: string; ext?: string; hash?: string } }>('/whatsapp_business/attachments/', async (request, reply) => {
      const token = tokenOf(request);
      if (token === null || !core.accounts.isKnownToken(token)) throw invalidToken();
      const media = core.media.resolveDownload(request.query, core.clock());
      if (!media || core.accounts.account(media.wabaId)?.accessToken !== token) {
        return reply.code(404).type('text/plain').send('Not Found');
      }
      return reply.type(media.mimeType).header('content-length', media.bytes.length).send(media.bytes);
    });
  };
}

async function readUploadForm(request: FastifyRequest): Promise<UploadForm> {
  const form: UploadForm = { fields: {}, file: null };
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      const bytes = await part.toBuffer();
      if (part.fieldname === 'file') form.file = { bytes, mimeType: part.mimetype };
    } else if (typeof part.value === 'string') {
      form.fields[part.fieldname] = part.value;
    }
  }
  return form;
}
