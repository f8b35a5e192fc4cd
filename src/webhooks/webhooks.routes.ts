import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { principalOf } from '../http/auth.ts';
import { envelope } from '../http/envelope.ts';
import type { WebhooksService } from './webhooks.service.ts';
import { DeliveryParams, DeliveryWire, ListDeliveriesQuery, ReplayBody, ReplayResult } from './webhooks.schemas.ts';

const ok = <T extends Parameters<typeof Type.Object>[0][string], M extends Parameters<typeof Type.Object>[0][string]>(data: T, meta: M) =>
  ({ 200: Type.Object({ _data: data, _meta: meta }) }) as const;

/** Extensions: a WhatsApp plugin's outbound webhook deliveries, and replaying the failed ones. */
export function webhooksRoutes(service: WebhooksService) {
  return async (root: FastifyInstance): Promise<void> => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['webhooks'];

    app.get('/v1/ext/plugin/whatsapp/:pluginId/webhook-deliveries', {
      schema: {
        tags, summary: "List a WhatsApp plugin's webhook deliveries, newest first (extension)",
        params: DeliveryParams, querystring: ListDeliveriesQuery,
        response: ok(Type.Array(DeliveryWire), Type.Object({ total: Type.Integer() })),
      },
    }, async (request) => {
      const page = await service.list(principalOf(request), request.params.pluginId, request.query);
      return envelope(page.deliveries, { total: page.total });
    });

    app.post('/v1/ext/plugin/whatsapp/:pluginId/webhook-deliveries/replay', {
      schema: {
        tags, summary: 'Queue failed webhook deliveries again, with a fresh 24-hour retry window (extension; ADMIN, MANAGER)',
        params: DeliveryParams, body: ReplayBody, response: ok(ReplayResult, Type.Object({})),
      },
    }, async (request) => envelope(await service.replay(principalOf(request), request.params.pluginId, request.body?.ids)));
  };
}
