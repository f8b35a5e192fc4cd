/**
 * The sandbox's Fastify application: Meta's error shape for every failure, the failure modes
 * the control API sets (timeouts, 5xx answers, latency) in front of every Graph API route, and
 * the routes themselves. It never listens by itself.
 */
import multipart from '@fastify/multipart';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { callingRoutes } from './calling.routes.ts';
import { controlRoutes } from './control.routes.ts';
import { GraphError, graphErrorBody } from './graph-errors.ts';
import { MAX_MEDIA_BYTES } from './media-store.ts';
import { mediaRoutes } from './media.routes.ts';
import { messagesRoutes } from './messages.routes.ts';
import { objectRoutes } from './object.routes.ts';
import { SandboxCore } from './sandbox-core.ts';
import type { SandboxOptions } from './sandbox.types.ts';
import { templatesRoutes } from './templates.routes.ts';

const VERSION = /^v\d+\.\d+$/;
/** Webhook and message bodies stay far below this; Meta caps webhooks at 3 MB. */
const JSON_BODY_LIMIT = 4 * 1024 * 1024;

export interface BuiltSandbox {
  readonly app: FastifyInstance;
  readonly core: SandboxCore;
}

export async function buildSandbox(options: SandboxOptions = {}): Promise<BuiltSandbox> {
  const core = new SandboxCore(options);
  // Typed as the default instance: the sandbox logs through pino, but nothing needs its type.
  const app: FastifyInstance = Fastify({
    ...(options.logger ? { loggerInstance: options.logger as FastifyBaseLogger } : { logger: false }),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: JSON_BODY_LIMIT,
    routerOptions: { ignoreTrailingSlash: true },
    // A stand-in holds requests on purpose (latency and timeout modes): closing it must not
    // wait for them, or for clients' kept-alive connections.
    forceCloseConnections: true,
  });
  await app.register(multipart, { limits: { fileSize: MAX_MEDIA_BYTES, files: 1 } });
  acceptEmptyJsonBodies(app);
  app.setErrorHandler((error: FastifyError, request, reply) => answerError(core, error, request, reply));
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    answerError(core, new GraphError(100, `Unknown path components: ${path}`), request, reply);
  });
  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0];
    if (path.startsWith('/_sandbox/') || path.startsWith('/whatsapp_business/')) return;
    const version = path.split('/')[1] ?? '';
    if (!VERSION.test(version)) throw new GraphError(100, `Unknown path components: ${path} (expected a version such as /v21.0/ first)`);
    await applyFailureModes(core);
  });
  app.addHook('onClose', async () => core.close());
  for (const routes of [controlRoutes, mediaRoutes, templatesRoutes, messagesRoutes, callingRoutes, objectRoutes]) await app.register(routes(core));
  return { app, core };
}

/**
 * `curl -X POST -H 'content-type: application/json' …/_sandbox/reset` sends no body at all;
 * that means "no fields" rather than a parse error.
 */
function acceptEmptyJsonBodies(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    if (typeof text !== 'string' || text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (error: unknown) {
      done(new GraphError(100, `The body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`), undefined);
    }
  });
}

/** Timeouts, then 5xx answers, then latency: each counts down per Graph API request. */
async function applyFailureModes(core: SandboxCore): Promise<void> {
  const { timeouts, serverErrors, latencyMs } = core.failures;
  if (timeouts && timeouts.count > 0) {
    core.failures = { ...core.failures, timeouts: timeouts.count > 1 ? { ...timeouts, count: timeouts.count - 1 } : null };
    await core.scheduler.delay(timeouts.delayMs);
  }
  if (serverErrors && serverErrors.count > 0) {
    core.failures = { ...core.failures, serverErrors: serverErrors.count > 1 ? { ...serverErrors, count: serverErrors.count - 1 } : null };
    const code = serverErrors.status === 503 ? 131016 : 131000;
    throw new GraphError(code, 'Server error injected through the sandbox control API.', { status: serverErrors.status });
  }
  if (latencyMs > 0) await core.scheduler.delay(latencyMs);
}

function answerError(core: SandboxCore, error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const graphError = error instanceof GraphError ? error : translate(core, error, request);
  void reply.code(graphError.status).send(graphErrorBody(graphError));
}

/** Framework errors (unparsable JSON, a body too large) in Meta's shape; anything else is a 500. */
function translate(core: SandboxCore, error: unknown, request: FastifyRequest): GraphError {
  const status = (error as { statusCode?: unknown }).statusCode;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof status === 'number' && status >= 400 && status < 500) return new GraphError(100, message, { status });
  core.logger?.error({ err: error, path: request.url.split('?')[0] }, 'sandbox request failed');
  return new GraphError(131000, 'The sandbox failed to handle this request.');
}
