import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { principalOf } from '../../http/auth.ts';
import { forwardedQuery, sendProxyAnswer } from '../graph/raw-proxy.ts';
import type { CallingEdge, CallingService } from './calling.service.ts';

const Params = Type.Object({ version: Type.String(), phoneNumberId: Type.String() });
const AnyObject = Type.Object({}, { additionalProperties: true, description: "Meta's request body, forwarded unchanged" });
const MetaBody = { description: "Meta's answer, unwrapped (not the envelope)", content: { 'application/json': { schema: Type.Any() } } };

const ROUTES: readonly { method: 'GET' | 'POST'; edge: CallingEdge; summary: string }[] = [
  { method: 'GET', edge: 'settings', summary: 'Calling settings of a business number' },
  { method: 'POST', edge: 'settings', summary: 'Change calling settings (ADMIN, MANAGER)' },
  { method: 'GET', edge: 'call_permissions', summary: 'Call permissions for a user (?user_wa_id=)' },
  { method: 'POST', edge: 'calls', summary: 'Calls: connect, pre_accept, accept, reject, terminate' },
];

/** API.md §8.2a: the official SDK's calling methods, raw Meta JSON both ways. */
export function callingRoutes(service: CallingService) {
  return async (root: FastifyInstance): Promise<void> => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    for (const { method, edge, summary } of ROUTES) {
      app.route({
        method,
        url: `/v1/whatsapp/:version/:phoneNumberId/${edge}`,
        schema: { tags: ['whatsapp'], summary, params: Params, ...(method === 'POST' ? { body: AnyObject } : {}), response: { 200: MetaBody } },
        handler: async (request, reply) => {
          const { version, phoneNumberId } = request.params;
          const answer = await service.forward(principalOf(request), method, version, phoneNumberId, edge, forwardedQuery(request.url), request.body);
          return sendProxyAnswer(reply, answer);
        },
      });
    }
  };
}
