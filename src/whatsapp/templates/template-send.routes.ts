import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { principalOf } from '../../http/auth.ts';
import { envelope } from '../../http/envelope.ts';
import type { TemplateSendService } from './template-send.service.ts';
import { PhoneTemplateSendParams, ProcessTemplateSendParams, TemplateSendBody } from './template-send.schemas.ts';

const ChatMessage = { 200: Type.Object({ _data: Type.Object({}, { additionalProperties: true }), _meta: Type.Object({}) }) };

/** API.md §8.1: template sends. */
export function templateSendRoutes(service: TemplateSendService) {
  return async (root: FastifyInstance): Promise<void> => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    app.post('/v1/ext/plugin/whatsapp/:pluginId/phoneNumber/:phoneNumber/send-template-message', {
      schema: {
        tags: ['whatsapp'], summary: 'Send Whatsapp Template Message For A Phone Number', params: PhoneTemplateSendParams, body: TemplateSendBody,
        response: ChatMessage,
      },
    }, async (request) => envelope(await service.sendToPhone(principalOf(request), request.params.pluginId, request.params.phoneNumber, request.body)));

    app.post('/v1/ext/plugin/whatsapp/:pluginId/process/:procedureShortId/:primaryKeyOrId/send-template-message', {
      schema: {
        tags: ['whatsapp'], summary: 'Send Whatsapp Template Message For Process', params: ProcessTemplateSendParams, body: TemplateSendBody,
        response: ChatMessage,
      },
    }, async (request) => {
      const { pluginId, procedureShortId, primaryKeyOrId } = request.params;
      return envelope(await service.sendToProcess(principalOf(request), pluginId, procedureShortId, primaryKeyOrId, request.body));
    });
  };
}
