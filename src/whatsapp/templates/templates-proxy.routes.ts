import { Type } from 'typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { principalOf } from '../../http/auth.ts';
import { forwardedQuery, sendProxyAnswer } from '../graph/raw-proxy.ts';
import type { TemplatesProxyService } from './templates-proxy.service.ts';

const Params = {
  list: Type.Object({ version: Type.String(), wabaId: Type.String(), pluginId: Type.Optional(Type.String()) }),
  update: Type.Object({ version: Type.String(), templateId: Type.String(), pluginId: Type.Optional(Type.String()) }),
};
const AnyObject = Type.Object({}, { additionalProperties: true, description: "Meta's template object, forwarded unchanged" });
const MetaBody = { description: "Meta's answer, unwrapped (not the envelope)", content: { 'application/json': { schema: Type.Any() } } };

const pathOf = (request: FastifyRequest): string => request.url.split('?')[0];

/** API.md §8.2: message templates, with and without the plugin id in the path. */
export function templatesProxyRoutes(service: TemplatesProxyService) {
  return async (root: FastifyInstance): Promise<void> => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['whatsapp'];
    for (const prefix of ['/v1/ext/plugin/whatsapp/api', '/v1/ext/plugin/whatsapp/:pluginId/api']) {
      app.get(`${prefix}/:version/:wabaId/message_templates`, {
        schema: { tags, summary: 'List WhatsApp Message Templates (Meta\'s body)', params: Params.list, response: { 200: MetaBody } },
      }, async (request, reply) => {
        const { version, wabaId, pluginId } = request.params;
        return sendProxyAnswer(reply, await service.list(principalOf(request), version, wabaId, forwardedQuery(request.url, ['pluginId']), pluginId, pathOf(request)));
      });
      app.post(`${prefix}/:version/:wabaId/message_templates`, {
        schema: { tags, summary: 'Create WhatsApp Message Template (Meta\'s body)', params: Params.list, body: AnyObject, response: { 200: MetaBody } },
      }, async (request, reply) => {
        const { version, wabaId, pluginId } = request.params;
        return sendProxyAnswer(reply, await service.create(principalOf(request), version, wabaId, request.body, pluginId));
      });
      app.post(`${prefix}/:version/:templateId`, {
        schema: { tags, summary: 'Update WhatsApp Message Template (Meta\'s body)', params: Params.update, body: AnyObject, response: { 200: MetaBody } },
      }, async (request, reply) => {
        const { version, templateId } = request.params;
        const pluginId = request.params.pluginId ?? new URLSearchParams(request.url.split('?')[1] ?? '').get('pluginId') ?? undefined;
        return sendProxyAnswer(reply, await service.update(principalOf(request), version, templateId, request.body, pluginId));
      });
    }
  };
}
