/**
 * `GET|POST|DELETE /{v}/{object-id}`: Graph addresses media and templates alike by bare id, so
 * one route looks the id up in both. An id the token's account does not own does not exist.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { baseUrlOf, requireToken } from './graph-auth.ts';
import { GraphError, unknownObject } from './graph-errors.ts';
import type { MediaRecord } from './media-store.ts';
import type { SandboxCore } from './sandbox-core.ts';
import { startReview } from './template-lifecycle.ts';
import { templateView, type TemplateRecord } from './template-store.ts';
import { bodyObject } from './templates.routes.ts';

type Params = { version: string; objectId: string };
type Query = Record<string, string | undefined>;
type Owned = { kind: 'media'; media: MediaRecord } | { kind: 'template'; template: TemplateRecord };

export function objectRoutes(core: SandboxCore) {
  const lookUp = (request: FastifyRequest, id: string): Owned => {
    const token = requireToken(core, request);
    const owns = (wabaId: string) => core.accounts.account(wabaId)?.accessToken === token;
    const media = core.media.get(id);
    if (media && owns(media.wabaId)) return { kind: 'media', media };
    const template = core.templates.get(id);
    if (template && owns(template.wabaId)) return { kind: 'template', template };
    throw unknownObject(id, request.method);
  };

  return async (app: FastifyInstance): Promise<void> => {
    app.get<{ Params: Params; Querystring: Query }>('/:version/:objectId', async (request) => {
      const found = lookUp(request, request.params.objectId);
      if (found.kind === 'template') return templateView(found.template, request.query.fields?.split(',').map((f) => f.trim()));
      checkPhoneFilter(found.media, request.query.phone_number_id);
      const expiresAt = core.clock() + core.settings.mediaUrlTtlMs;
      return {
        url: baseUrlOf(core, request) + core.media.downloadPath(found.media, expiresAt),
        mime_type: found.media.mimeType,
        sha256: found.media.sha256,
        file_size: found.media.bytes.length,
        id: found.media.id,
        messaging_product: 'whatsapp',
      };
    });

    app.post<{ Params: Params }>('/:version/:objectId', async (request) => {
      const found = lookUp(request, request.params.objectId);
      if (found.kind !== 'template') throw unknownObject(request.params.objectId, 'POST');
      const wasApproved = found.template.status === 'APPROVED';
      core.templates.update(found.template, bodyObject(request.body));
      // An edited approved template stays approved; a rejected or paused one is reviewed again.
      if (!wasApproved) startReview(core, found.template);
      return { success: true };
    });

    app.delete<{ Params: Params; Querystring: Query }>('/:version/:objectId', async (request) => {
      const found = lookUp(request, request.params.objectId);
      if (found.kind !== 'media') throw unknownObject(request.params.objectId, 'DELETE');
      checkPhoneFilter(found.media, request.query.phone_number_id);
      core.media.delete(found.media.id);
      return { success: true };
    });
  };
}

/** `?phone_number_id=` makes the call fail unless the media belongs to that number. */
function checkPhoneFilter(media: MediaRecord, phoneNumberId: string | undefined): void {
  if (phoneNumberId !== undefined && phoneNumberId !== media.phoneNumberId) {
    throw new GraphError(100, `Media ${media.id} does not belong to phone number ${phoneNumberId}.`);
  }
}
