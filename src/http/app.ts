import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest, type HookHandlerDoneFunction } from 'fastify';
import type { Config } from '../config/config.ts';
import { AppError, badRequest } from '../shared/errors.ts';
import { redactTokens } from '../shared/logger.ts';
import { installAuth, type TokenResolver } from './auth.ts';
import { answerClientError, answerUnmetExpectation, installErrorHandlers, sendError } from './error-handler.ts';
import { healthRoutes, type ReadinessCheck } from './health.routes.ts';
import { installOpenApiCollector, installOpenApiRoutes } from './openapi.ts';
import { installRateLimit } from './rate-limit.ts';
import { checkJsonText, MAX_PARAM_LENGTH, refuseUnstorableParams, requestIdFor } from './request-checks.ts';
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

/**
 * Builds the HTTP application without listening (tests and `serve` listen themselves).
 * Order matters: OpenAPI collector → error handlers → auth → rate limit → routes.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const logsRequests = (options.logger as unknown as { isLevelEnabled(level: string): boolean }).isLevelEnabled('info');
  const app = Fastify({
    loggerInstance: options.logger,
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    bodyLimit: options.http.jsonBodyLimit,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Every answer Fastify or Node would write by itself goes through the error handler instead:
    // while closing (503, below), bad URLs and over-long path parameters (frameworkErrors),
    // unparsable requests (clientErrorHandler), a missing Host header (checked below).
    return503OnClosing: false,
    frameworkErrors: (error, request, reply) => {
      sendError(error, request as FastifyRequest, reply as FastifyReply);
      if (logsRequests) logRequest(request as FastifyRequest, reply as FastifyReply);
    },
    clientErrorHandler: (error, socket) => answerClientError(error, socket, options.logger),
    http: { requireHostHeader: false },
    genReqId: (req) => requestIdFor(req.headers['x-request-id']),
    routerOptions: { ignoreDuplicateSlashes: true, maxParamLength: MAX_PARAM_LENGTH },
    ajv: { customOptions: { removeAdditional: false } },
  });
  app.server.on('checkExpectation', answerUnmetExpectation);
  app.setValidatorCompiler(createValidatorCompiler());
  // JSON (and multipart where a route registers it) are the only bodies the API takes: other
  // content types, plain text included, are answered 415.
  app.removeContentTypeParser('text/plain');
  installJsonParser(app);

  // Requests that arrive while the server drains are refused, so the client retries elsewhere.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  // Callback-style hooks: an async one costs a promise and a microtask on every request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    if (closing) {
      reply.header('connection', 'close');
      return done(new AppError('SERVICE_UNAVAILABLE', 503, 'The server is shutting down; retry the request'));
    }
    // HTTP/1.1 requires a Host header (Node would answer 400 itself, without the envelope).
    const raw = request.raw;
    if (raw.httpVersionMajor === 1 && raw.httpVersionMinor === 1 && raw.headers.host === undefined) {
      return done(badRequest('An HTTP/1.1 request must carry a Host header'));
    }
    done();
  });
  // Path parameters and query strings holding text no database can store (bodies: the JSON parser).
  app.addHook('preValidation', refuseUnstorableParams);
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
  if (logsRequests) app.addHook('onResponse', (request, reply, done) => {
    logRequest(request, reply);
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

/**
 * One log line per request; never headers (tokens) and never the query string (signatures);
 * token-shaped parts of the path are removed, and the request id is one the server accepted.
 */
function logRequest(request: FastifyRequest, reply: FastifyReply): void {
  request.log.info(
    {
      method: request.method,
      path: redactTokens(request.url.split('?')[0]),
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      keyId: request.principal?.keyId,
    },
    'request',
  );
}

/**
 * The default JSON parser (prototype-poisoning keys refused), after one pass over the text
 * (checkJsonText) that refuses bodies nested deeper than MAX_JSON_BODY_DEPTH, and strings
 * holding the NUL character or an unpaired surrogate: PostgreSQL cannot store either and
 * neither is meaningful in this API, so both databases answer the same 400.
 */
function installJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = String(body);
    const problem = checkJsonText(text);
    if (problem) {
      done(badRequest(problem), undefined);
      return;
    }
    parse(request, text, done);
  });
}

