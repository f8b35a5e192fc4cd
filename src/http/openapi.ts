import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/** Collects every route's schema; must be registered before any route. */
export async function installOpenApiCollector(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Chakra server API',
        version,
        description:
          'A self-hosted implementation of the ChakraHQ external API. Every JSON response is an envelope ' +
          '`{_data, _meta, _errors}`; errors carry `_meta.code` and `_errors` as strings.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
}

/** `GET /openapi.json` and the reference page at `/docs`, both without auth. */
export async function installOpenApiRoutes(app: FastifyInstance): Promise<void> {
  app.get('/openapi.json', { schema: { hide: true }, config: { public: true } }, async () => app.swagger());
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...(route.config ?? {}), public: true };
    });
    await scope.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  });
}
