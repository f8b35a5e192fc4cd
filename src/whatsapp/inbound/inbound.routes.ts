import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { envelope } from '../../http/envelope.ts';
import type { InboundReceiver } from './inbound-receiver.ts';

/** Meta's events are a few kilobytes; anything near this is not one of them. */
export const MAX_EVENT_BYTES = 1024 * 1024;

const Params = Type.Object({ pluginId: Type.String({ description: 'WhatsApp plugin UUID' }) });

/**
 * API.md §8.4: the endpoint Meta calls, without a bearer token (Meta signs its calls instead).
 * The POST needs the body's exact bytes to check the signature, so in this scope every content
 * type is read as raw bytes.
 */
export function inboundRoutes(receiver: InboundReceiver) {
  return async (root: FastifyInstance): Promise<void> => {
    await root.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_EVENT_BYTES }, (_request, body, done) => done(null, body));
      const app = scope.withTypeProvider<TypeBoxTypeProvider>();
      const tags = ['whatsapp'];

      app.get('/v1/webhooks/whatsapp/:pluginId', {
        config: { public: true },
        schema: {
          tags, summary: "Meta's webhook verification (hub.mode, hub.verify_token, hub.challenge)", security: [], params: Params,
          querystring: Type.Record(Type.String(), Type.String()),
        },
      }, async (request, reply) => {
        const query = request.query;
        const challenge = await receiver.verify(request.params.pluginId, query['hub.mode'], query['hub.verify_token'], query['hub.challenge']);
        return reply.type('text/plain; charset=utf-8').header('x-content-type-options', 'nosniff').send(challenge);
      });

      app.post('/v1/webhooks/whatsapp/:pluginId', {
        config: { public: true },
        bodyLimit: MAX_EVENT_BYTES,
        schema: { tags, summary: 'Inbound WhatsApp events from Meta (signed with X-Hub-Signature-256)', security: [], params: Params },
      }, async (request) => {
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const signature = request.headers['x-hub-signature-256'];
        await receiver.receive(request.params.pluginId, raw, typeof signature === 'string' ? signature : undefined);
        return envelope({ received: true });
      });
    });
  };
}
