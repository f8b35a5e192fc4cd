import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Config } from './config/config.ts';
import { openDatabase, type DatabaseTarget, type Db, type RootDb } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { buildApp } from './http/app.ts';
import { createApiKeysRepo, createApiKeysService, createTokenResolver, type CachingTokenResolver } from './platform/api-keys/index.ts';
import { createTeamConfigModule } from './platform/team-config/index.ts';
import { createUsersModule } from './platform/users/index.ts';
import type { Logger } from './shared/logger.ts';
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
  const target: DatabaseTarget =
    options.databaseTarget ??
    (config.database.url ? { kind: 'postgres', url: config.database.url } : { kind: 'sqlite', file: config.database.sqlitePath });
  const { db, migrationsApplied } = await connect(target);
  const secretKey = config.secretKey ?? readOrCreateSecretKey(config.storage.dataDir);

  const credentialsChanged = (tx: Db) => createApiKeysRepo(tx).bumpAuthRevision();
  const apiKeys = createApiKeysService({ db, clock });
  const teamConfig = createTeamConfigModule({ db, clock, credentialsChanged });
  const users = createUsersModule({ db, clock, credentialsChanged });
  const resolvers: CachingTokenResolver[] = [];

  return {
    config,
    db,
    migrationsApplied,
    logger,
    clock,
    secretKey,
    services: { apiKeys, teamConfig: teamConfig.service, users: users.service },

    /** Builds the HTTP app (not listening) with its own credential cache. */
    async buildHttpApp(): Promise<FastifyInstance> {
      const resolver = createTokenResolver(db);
      await resolver.start();
      resolvers.push(resolver);
      const app = await buildApp({
        logger,
        http: config.http,
        version: VERSION,
        resolveToken: resolver.resolve,
        checkReady: async () => {
          await sql`select 1`.execute(db.kysely);
        },
        routes: [teamConfig.routes, users.routes],
      });
      app.addHook('onClose', async () => resolver.stop());
      return app;
    },

    async close(): Promise<void> {
      for (const resolver of resolvers) resolver.stop();
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

/** In embedded mode the secret key is generated once and kept beside the database (mode 0600). */
function readOrCreateSecretKey(dataDir: string): Buffer {
  const file = path.join(dataDir, 'secret-key');
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    fs.writeFileSync(file, randomBytes(32).toString('base64') + '\n', { flag: 'wx', mode: 0o600 });
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new StartupError(`${file}: expected 32 bytes encoded as base64`);
  return key;
}
