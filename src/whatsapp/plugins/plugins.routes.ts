import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { principalOf } from '../../http/auth.ts';
import { envelope } from '../../http/envelope.ts';
import type { PluginsService } from './plugins.service.ts';
import { PluginConfig, PluginIdParams, UpdateConfigBody, UpdateConfigResult } from './plugins.schemas.ts';

const ok = <T extends Parameters<typeof Type.Object>[0][string]>(data: T) =>
  ({ 200: Type.Object({ _data: data, _meta: Type.Object({}) }) }) as const;

/** API.md §8.4: a WhatsApp plugin's webhook settings, as real clients read and write them. */
export function pluginsRoutes(service: PluginsService) {
  return async (root: FastifyInstance): Promise<void> => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['whatsapp'];

    app.get('/v1/ext/plugin/whatsapp/:pluginId/config', {
      schema: { tags, summary: 'Fetch WhatsApp plugin configuration', params: PluginIdParams, response: ok(PluginConfig) },
    }, async (request) => envelope(await service.getConfig(principalOf(request), request.params.pluginId)));

    app.post('/v1/ext/plugin/whatsapp/:pluginId/update-config', {
      schema: { tags, summary: 'Update WhatsApp plugin configuration (ADMIN)', params: PluginIdParams, body: UpdateConfigBody, response: ok(UpdateConfigResult) },
    }, async (request) => envelope(await service.updateConfig(principalOf(request), request.params.pluginId, request.body)));
  };
}
