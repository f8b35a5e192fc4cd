import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { principalOf } from '../../http/auth.ts';
import { envelope } from '../../http/envelope.ts';
import type { MessagesService } from './messages.service.ts';
import { MetaMessageBody, PassThroughParams, PassThroughResult } from './messages.schemas.ts';

/** API.md §8.1: the messages pass-through. */
export function messagesRoutes(service: MessagesService) {
  return async (root: FastifyInstance): Promise<void> => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    app.post('/v1/ext/plugin/whatsapp/:pluginId/api/:version/:whatsappPhoneNumberId/messages', {
      schema: {
        tags: ['whatsapp'], summary: 'Whatsapp Messages API (pass-through)', params: PassThroughParams, body: MetaMessageBody,
        response: { 200: Type.Object({ _data: PassThroughResult, _meta: Type.Object({}) }) },
      },
    }, async (request) => {
      const { pluginId, version, whatsappPhoneNumberId } = request.params;
      return envelope(await service.passThrough(principalOf(request), pluginId, version, whatsappPhoneNumberId, request.body as Record<string, unknown>));
    });
  };
}
