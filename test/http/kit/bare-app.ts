import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../../src/config/load-config.ts';
import { buildApp, type RoutePlugin } from '../../../src/http/app.ts';
import type { Principal } from '../../../src/http/auth.ts';
import { createCapturingLogger } from '../../support/test-server.ts';

export const BARE_TOKEN = 'chk_bareAppTokenForKitTests0123456789abcdefABCD';

export interface BareApp {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly logLines: () => string[];
}

/**
 * The HTTP kit alone (no database): buildApp with the given routes, one accepted token, and a
 * capturing logger, listening on an ephemeral port. For what needs a route of its own (one
 * that fails, one that waits); everything else is tested on the real server.
 */
export async function startBareApp(routes: readonly RoutePlugin[]): Promise<BareApp> {
  const config = loadConfig({ DATA_DIR: '/nonexistent', PORT: '0', RATE_LIMIT_PER_KEY: '0' });
  const { logger, lines } = createCapturingLogger();
  const principal: Principal = { teamId: 't', keyId: 'bare-key', userId: 'u', roleId: 'r', roleType: 'ADMIN' };
  const app = await buildApp({
    logger,
    http: config.http,
    version: 'test',
    resolveToken: (token) => (token === BARE_TOKEN ? principal : null),
    checkReady: async () => {},
    routes,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, logLines: lines };
}
