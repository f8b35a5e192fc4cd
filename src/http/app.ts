import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest, type HookHandlerDoneFunction } from 'fastify';
import type { Config } from '../config/config.ts';
import { AppError } from '../shared/errors.ts';
import { randomUUID } from 'node:crypto';
import { installAuth, type TokenResolver } from './auth.ts';
import { installErrorHandlers } from './error-handler.ts';
import { healthRoutes, type ReadinessCheck } from './health.routes.ts';
import { installOpenApiCollector, installOpenApiRoutes } from './openapi.ts';
import { installRateLimit } from './rate-limit.ts';
import { createValidatorCompiler } from './validation.ts';

/** A capability's HTTP face: registered after the kit's hooks, so auth and limits apply. */
export type RoutePlugin = (app: FastifyInstance) => Promise<void>;

export interface AppOptions {
  readonly logger: FastifyBaseLogger;
  readonly http: Config['http'];
  readonly version: string;
  readonly resolveToken: TokenResolver;
  readonly checkReady: ReadinessCheck;
  readonly routes: readonly RoutePlugin[];
}

const REQUEST_ID = /^[\w.:@-]{1,128}$/;

/**
 * Builds the HTTP application without listening (tests and `serve` listen themselves).
 * Order matters: OpenAPI collector → error handlers → auth → rate limit → routes.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger,
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    bodyLimit: options.http.jsonBodyLimit,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      // v4, not the v7 of stored ids: request ids need no order, and this is on every request.
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    routerOptions: { ignoreDuplicateSlashes: true, maxParamLength: 500 },
    ajv: { customOptions: { removeAdditional: false } },
  });
  app.setValidatorCompiler(createValidatorCompiler());
  // JSON (and multipart where a route registers it) are the only bodies the API takes: other
  // content types, plain text included, are answered 415.
  app.removeContentTypeParser('text/plain');
  installJsonParser(app);

  // Callback-style hooks: an async one costs a promise and a microtask on every request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  // A POST/PUT/PATCH sent with no body at all (no content type) means "no fields", like `{}`:
  // bodies whose fields are all optional then work, and required fields still get named.
  // (Attached only to routes that take a body: a hook costs every request it runs on.)
  const emptyBodyIsNoFields = (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
    if ((request.body === null || request.body === undefined) && request.headers['content-type'] === undefined) request.body = {};
    done();
  };
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.some((m) => ['POST', 'PUT', 'PATCH'].includes(m))) return;
    const existing = route.preValidation ? (Array.isArray(route.preValidation) ? route.preValidation : [route.preValidation]) : [];
    route.preValidation = [emptyBodyIsNoFields, ...existing];
  });
  // One log line per request; never headers (tokens) and never the query string (signatures).
  const logsRequests = (options.logger as unknown as { isLevelEnabled(level: string): boolean }).isLevelEnabled('info');
  if (logsRequests) app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      {
        method: request.method,
        path: request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        keyId: request.principal?.keyId,
      },
      'request',
    );
    done();
  });

  await installOpenApiCollector(app, options.version);
  installErrorHandlers(app);
  installAuth(app, options.resolveToken);
  await installRateLimit(app, options.http.rateLimitPerKey);
  await installOpenApiRoutes(app);
  await app.register(async (scope) => healthRoutes(scope, options.checkReady));
  for (const routes of options.routes) await app.register(routes);
  return app;
}

/** `\u0000` not preceded by an escaping backslash: the NUL character inside a JSON string. */
const NUL_ESCAPE = /(?:^|[^\\])(?:\\\\)*\\u0000/i;

/**
 * The default JSON parser (prototype-poisoning keys refused), plus one rule: strings may not hold
 * the NUL character, which PostgreSQL cannot store in JSON and which is never meaningful in this
 * API, so both databases answer the same 400 instead of one of them failing.
 */
function installJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (typeof body === 'string' && NUL_ESCAPE.test(body)) {
      done(new AppError('BAD_REQUEST', 400, 'Strings in the body may not contain the NUL character (\\u0000)'), undefined);
      return;
    }
    parse(request, String(body), done);
  });
}

