import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { principalOf } from './auth.ts';
import { envelope } from './envelope.ts';

export type ReadinessCheck = () => Promise<void>;

/** Liveness and readiness for load balancers (no auth), and the token check of `/v1/health`. */
export async function healthRoutes(app: FastifyInstance, checkReady: ReadinessCheck): Promise<void> {
  const plain = Type.Object({ status: Type.String() });
  app.get('/healthz', { config: { public: true }, schema: { tags: ['health'], security: [], response: { 200: plain } } }, async () => ({
    status: 'ok',
  }));
  app.get(
    '/readyz',
    { config: { public: true }, schema: { tags: ['health'], security: [], response: { 200: plain, 503: plain } } },
    async (_request, reply) => {
      try {
        await checkReady();
        return { status: 'ok' };
      } catch {
        return reply.status(503).send({ status: 'unavailable' });
      }
    },
  );
  app.get(
    '/v1/health',
    {
      schema: {
        tags: ['health'],
        summary: 'Check an access token',
        response: { 200: Type.Object({ _data: Type.Object({ status: Type.String(), team: Type.String() }), _meta: Type.Object({}) }) },
      },
    },
    async (request) => envelope({ status: 'ok', team: principalOf(request).teamId }),
  );
}
