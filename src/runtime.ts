import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Config } from './config/config.ts';
import { openDatabase, type DatabaseTarget, type Db, type RootDb } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { buildApp } from './http/app.ts';
import { createApiKeysService, createTokenResolver } from './platform/api-keys/index.ts';
import { createRevisionWatcher } from './platform/revisions/index.ts';
import { createTeamModelCache } from './platform/procedures/team-model-cache.ts';
import { createProcessesModule, createProcessStorage } from './platform/processes/index.ts';
import { createPhotoVisibility, createTasksModule } from './platform/tasks/index.ts';
import { createBulkModule } from './platform/bulk/index.ts';
import { createBackgroundJobsModule } from './platform/background-jobs/index.ts';
import { createJobEngine } from './jobs/index.ts';
import { createTeamConfigModule } from './platform/team-config/index.ts';
import { createUsersModule } from './platform/users/index.ts';
import { createPhotosModule } from './platform/photos/index.ts';
import { createBlobStore } from './storage/index.ts';
import { createPluginsModule, createSandboxLink } from './whatsapp/plugins/index.ts';
import { startSandbox } from './whatsapp/sandbox/index.ts';
import { createMessagesModule } from './whatsapp/messages/index.ts';
import { createTemplatesModule } from './whatsapp/templates/index.ts';
import { createCallingModule } from './whatsapp/calling/index.ts';
import { createMediaModule } from './whatsapp/media/index.ts';
import { createChatsModule } from './whatsapp/chats/index.ts';
import { createGraphClient } from './whatsapp/graph/graph-client.ts';
import { createWebhooksModule } from './webhooks/index.ts';
import { createInboundModule } from './whatsapp/inbound/index.ts';
import { createSecretBox } from './shared/secret-box.ts';
import type { Logger } from './shared/logger.ts';
import type { Principal } from './http/auth.ts';
import { systemClock, type Clock } from './shared/time.ts';

export const VERSION = '0.1.0';

/** Raised when the database cannot be reached at start; its message is the one line to print. */
export class StartupError extends Error {
  override name = 'StartupError';
}

export interface RuntimeOptions {
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Overrides where the database is (tests use a fresh file or schema each). */
  readonly databaseTarget?: DatabaseTarget;
}

/**
 * The composition root: the only place that wires every module together. Opening a runtime
 * connects to the database and brings its schema up to date; `close()` releases everything.
 */
export async function openRuntime(config: Config, options: RuntimeOptions) {
  const clock = options.clock ?? systemClock;
  const logger = options.logger;
  const given: DatabaseTarget =
    options.databaseTarget ??
    (config.database.url ? { kind: 'postgres', url: config.database.url } : { kind: 'sqlite', file: config.database.sqlitePath });
  const target: DatabaseTarget = given.kind === 'postgres' ? { readTimeoutMs: config.database.readTimeoutMs, ...given } : given;
  // Storage is checked before the database is opened, so a bad STORAGE_URL leaves nothing open.
  const blobStore = createBlobStore(config.storage);
  const { db, migrationsApplied } = await connect(target);
  const secretKey = config.secretKey ?? readOrCreateSecretKey(config.storage.dataDir);

  // One watcher per process keeps every in-memory cache in step with changes made anywhere.
  const watcher = createRevisionWatcher(db);
  const revisionsChanged = () => watcher.refresh().catch((error: unknown) => logger.warn({ err: error }, 'cache revision check failed'));
  const apiKeys = createApiKeysService({ db, clock, revisionsChanged });
  const secrets = createSecretBox(secretKey, config.previousSecretKeys);
  // Plugins whose Graph API URL is `sandbox:` talk to a sandbox in this process, started when first needed.
  const sandbox = createSandboxLink(() => startSandbox({ host: '127.0.0.1', port: 0, logger }));
  const plugins = createPluginsModule({ db, clock, secrets, sandbox, watcher, publicUrl: config.http.publicUrl, allowPrivateWebhookUrls: config.webhooks.allowPrivateUrls });
  const graph = createGraphClient({ timeoutMs: config.whatsapp.graphTimeoutMs, sandboxUrl: () => sandbox.url() });
  const messages = createMessagesModule({ db, clock, graph, plugins: plugins.service });
  const calling = createCallingModule({ graph, plugins: plugins.service });
  const chats = createChatsModule({ db });
  const media = createMediaModule({ db, clock, blobStore, graph, plugins: plugins.service, publicUrl: config.http.publicUrl, limits: config.whatsapp.mediaMaxBytes });
  const teamConfig = createTeamConfigModule({ db, clock, revisionsChanged, storage: createProcessStorage(), plugins: plugins.store, allowPrivateWebhookUrls: config.webhooks.allowPrivateUrls });
  const users = createUsersModule({ db, clock, revisionsChanged });
  const models = createTeamModelCache(db, watcher);
  const photos = createPhotosModule({
    db, clock, blobStore, secretKey, publicUrl: config.http.publicUrl, maxBytes: config.limits.photoMaxBytes,
    photoVisibleTo: createPhotoVisibility({ db, models }),
  });
  const writerDeps = { clock, logger, missingPhotoIds: (principal: Principal, ids: readonly string[], tx: Db) => photos.service.missingPhotoIds(principal, ids, tx) };
  const processes = createProcessesModule({
    ...writerDeps, db, models,
  });
  const templates = createTemplatesModule({ db, clock, graph, plugins: plugins.service, processes: processes.service, publicUrl: config.http.publicUrl });
  const tasks = createTasksModule({
    db, clock, processes: processes.service, missingPhotoIds: writerDeps.missingPhotoIds,
  });
  const engine = createJobEngine({ db, clock, logger, queues: config.jobs.queues, leaseMs: config.jobs.leaseMs, pollMs: config.jobs.pollMs });
  const webhooks = createWebhooksModule({
    db, clock, logger, engine, timeoutMs: config.webhooks.timeoutMs, allowPrivateUrls: config.webhooks.allowPrivateUrls, userAgent: `chakra-server/${VERSION}`,
    signingSecretFor: (teamId, pluginId) => plugins.service.webhookSecretOf(teamId, pluginId),
    requireSource: (teamId, pluginId) => plugins.service.requirePlugin(teamId, pluginId),
  });
  const inbound = createInboundModule({
    db, clock, logger, engine, blobStore, graph, plugins: plugins.service, processes: processes.service,
    webhooks: webhooks.publisher, publicUrl: config.http.publicUrl, forgetTemplate: templates.forgetTemplate,
  });
  const bulk = createBulkModule({ ...writerDeps, db, models, engine, maxItems: config.limits.bulkMaxItems, bodyLimit: config.http.bulkBodyLimit });
  const backgroundJobs = createBackgroundJobsModule({
    db, clock, retentionDays: config.jobs.retentionDays,
    resubmit: (principal, procedureId, items, apiType, retryOf) => bulk.service.accept(principal, procedureId, items, apiType, retryOf),
  });
  const resolveToken = createTokenResolver(db, watcher);

  return {
    config,
    db,
    migrationsApplied,
    logger,
    clock,
    secretKey,
    blobStore,
    services: { apiKeys, teamConfig: teamConfig.service, users: users.service, photos: photos.service, processes: processes.service, tasks: tasks.service, bulk: bulk.service, backgroundJobs: backgroundJobs.service, plugins: plugins.service, messages: messages.service, templateSends: templates.service, webhooks: webhooks.publisher, webhookDeliveries: webhooks.service },
    engine,

    /** Housekeeping run by workers from time to time: finished jobs, processed inbound events and delivered webhooks past their retention. */
    async maintenance(): Promise<void> {
      await backgroundJobs.service.purgeExpired();
      const cutoff = clock() - config.jobs.retentionDays * 24 * 60 * 60 * 1000;
      await engine.purgeFinished(cutoff);
      await inbound.purgeProcessed(cutoff);
      await webhooks.purgeDelivered(cutoff);
      await db.dialect.refreshStatistics(db.kysely, ['background_job_entries']);
    },

    /**
     * Watches for changes other processes make, so in-memory caches (team models, plugin secrets)
     * stay valid; a worker process needs it as much as a server does (without it every job
     * would read the team model anew).
     */
    watchForChanges: () => watcher.start(),

    /** Builds the HTTP app (not listening); starts watching for changes other processes make. */
    async buildHttpApp(): Promise<FastifyInstance> {
      await watcher.start();
      const app = await buildApp({
        logger,
        http: config.http,
        version: VERSION,
        resolveToken,
        checkReady: async () => {
          await sql`select 1`.execute(db.kysely);
        },
        routes: [teamConfig.routes, users.routes, photos.routes, processes.routes, tasks.routes, bulk.routes, backgroundJobs.routes, plugins.routes, messages.routes, ...templates.routes, calling.routes, media.routes, chats.routes, webhooks.routes, inbound.routes],
      });
      return app;
    },

    async close(): Promise<void> {
      watcher.stop();
      await engine.stop();
      webhooks.close();
      await sandbox.close();
      await db.close();
    },
  };
}

export type Runtime = Awaited<ReturnType<typeof openRuntime>>;

async function connect(target: DatabaseTarget): Promise<{ db: RootDb; migrationsApplied: string[] }> {
  const db = openDatabase(target);
  try {
    await sql`select 1`.execute(db.kysely);
    return { db, migrationsApplied: await migrateToLatest(db) };
  } catch (error: unknown) {
    await db.close().catch(() => {});
    const described = db.dialect.describeConnectionError(error);
    if (described) {
      const variable = target.kind === 'postgres' ? 'DATABASE_URL' : 'DATA_DIR';
      throw new StartupError(`${variable}: ${described}`, { cause: error });
    }
    throw error;
  }
}

/**
 * In embedded mode the secret key is generated once and kept beside the database (mode 0600,
 * in a data directory created 0700).
 */
function readOrCreateSecretKey(dataDir: string): Buffer {
  const file = path.join(dataDir, 'secret-key');
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // Written whole under a private name, then linked into place: a process starting at the same
  // moment either finds no key or the complete key, never a half-written file.
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  fs.writeFileSync(draft, randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
  try {
    fs.linkSync(draft, file);
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    fs.rmSync(draft, { force: true });
  }
  const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new StartupError(`${file}: expected 32 bytes encoded as base64`);
  return key;
}
