import fs from 'node:fs';
import { sql } from 'kysely';
import { loadConfig } from '../src/config/load-config.ts';
import type { Principal } from '../src/http/auth.ts';
import { createApiKeysRepo } from '../src/platform/api-keys/index.ts';
import { createTeamModelCache } from '../src/platform/procedures/team-model-cache.ts';
import { createProcessesModule } from '../src/platform/processes/index.ts';
import { createRevisionWatcher } from '../src/platform/revisions/index.ts';
import { openRuntime, type Runtime } from '../src/runtime.ts';
import { sha256Hex } from '../src/shared/crypto.ts';
import { createLogger } from '../src/shared/logger.ts';
import { leadGenerator } from './data.ts';

export const TEAM_SLUG = 'bench';
export const PROCEDURE = 'lead';
const CONFIG_FILE = new URL('./config.yaml', import.meta.url);
/** Creates per seeding transaction. */
const SEED_BATCH = 1000;
/** Creates in flight when seeding over HTTP. */
const HTTP_SEED_CONCURRENCY = 32;

type Env = Record<string, string | undefined>;

export async function withRuntime<T>(env: Env, work: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await openRuntime(loadConfig(env), { logger: createLogger('warn') });
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

/** Applies bench/config.yaml as team `bench` and creates an admin key; returns its token. */
export async function prepareTeam(env: Env): Promise<string> {
  return withRuntime(env, async (runtime) => {
    const text = fs.readFileSync(CONFIG_FILE, 'utf8');
    await runtime.services.teamConfig.apply({ teamSlug: TEAM_SLUG, text, env: {} });
    const key = await runtime.services.apiKeys.createKey({ teamSlug: TEAM_SLUG, name: 'bench', roleShortId: 'admin' });
    return key.token;
  });
}

/** Runs `count` tasks with at most `concurrency` in flight; results keep the task order. */
export async function pool<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

export interface SeedResult {
  readonly ids: string[];
  readonly seconds: number;
}

/** Creates processes in this process through the API's own create service (see seedInProcess). */
export interface Seeder {
  readonly runtime: Runtime;
  /** The principal of an API key's token, as the server would resolve it. */
  principalOf(token: string): Promise<Principal>;
  /** Creates `body(i)` for every i in [from, to) in `procedure`, in one transaction; returns their ids. */
  createBatch(principal: Principal, procedure: string, from: number, to: number, body: (index: number) => Record<string, unknown>): Promise<string[]>;
}

/**
 * Opens a runtime for seeding. What is relaxed, because it only makes seeding slower and changes
 * nothing in the data: commits do not wait for the disk (SQLite synchronous=OFF on this
 * connection, PostgreSQL synchronous_commit=off for these sessions), and callers group creates
 * into transactions (createBatch), so 100,000 creates are not 100,000 commits. The servers
 * measured afterwards open their own connections with the normal settings.
 */
export async function withSeeder<T>(env: Env, work: (seeder: Seeder) => Promise<T>): Promise<T> {
  const seedEnv = env.DATABASE_URL ? { ...env, DATABASE_URL: withSessionOption(env.DATABASE_URL, 'synchronous_commit=off') } : env;
  return withRuntime(seedEnv, async (runtime) => {
    if (!env.DATABASE_URL) await sql`pragma synchronous = off`.execute(runtime.db.kysely);
    // The team model is cached (and so read outside the batch transactions) only while a
    // revision watcher runs; SQLite's single connection could not serve a read beside them.
    const watcher = createRevisionWatcher(runtime.db);
    await watcher.start();
    const models = createTeamModelCache(runtime.db, watcher);
    const seeder: Seeder = {
      runtime,
      async principalOf(token) {
        const principal = await createApiKeysRepo(runtime.db).findPrincipalByTokenHash(sha256Hex(token));
        if (!principal) throw new Error('seeding: the token resolves to no key');
        await models.get(principal.teamId);
        return principal;
      },
      async createBatch(principal, procedure, from, to, body) {
        const ids: string[] = [];
        await runtime.db.transaction(async (tx) => {
          // A processes service bound to the open transaction runs each create inside it.
          const { service } = createProcessesModule({
            db: tx, clock: runtime.clock, logger: runtime.logger, models,
            missingPhotoIds: (teamId, photoIds, t) => runtime.services.photos.missingPhotoIds(teamId, photoIds, t),
          });
          for (let i = from; i < to; i++) ids.push((await service.create(principal, procedure, body(i))).id);
        });
        return ids;
      },
    };
    try {
      return await work(seeder);
    } finally {
      watcher.stop();
    }
  });
}

/**
 * Creates `count` leads through the API's own create service (validation, primary-key
 * generation, derived attributes, history), in this process and without HTTP, SEED_BATCH per
 * transaction (see withSeeder for what is relaxed).
 */
export async function seedInProcess(env: Env, token: string, count: number, seed: number): Promise<SeedResult> {
  return withSeeder(env, async ({ runtime, principalOf, createBatch }) => {
    const principal = await principalOf(token);
    const next = leadGenerator(seed);
    const ids: string[] = [];
    let analyzedAt = 0.5;
    const started = performance.now();
    for (let from = 0; from < count; from += SEED_BATCH) {
      ids.push(...(await createBatch(principal, PROCEDURE, from, Math.min(from + SEED_BATCH, count), next)));
      if (env.DATABASE_URL && ids.length >= analyzedAt * 2) {
        analyzedAt = ids.length;
        await analyze(runtime);
      }
    }
    if (env.DATABASE_URL) await analyze(runtime);
    return { ids, seconds: (performance.now() - started) / 1000 };
  });
}

/**
 * PostgreSQL plans by table statistics, which autovacuum refreshes only after a minute or so. A
 * table that grew from nothing has none, and the planner then reads the primary-key check through
 * a procedure_id index (a scan of every row). Seeding refreshes them as the table doubles, and
 * once at the end, as autovacuum would have in a database that grew to this size over time.
 */
async function analyze(runtime: Runtime): Promise<void> {
  await sql`analyze`.execute(runtime.db.kysely);
}

/**
 * The same leads through HTTP creates against the running server, HTTP_SEED_CONCURRENCY in flight
 * (`--seed-over-http`): every create is its own durable commit, so this is the slow way.
 */
export async function seedOverHttp(baseUrl: string, token: string, count: number, seed: number): Promise<SeedResult> {
  const next = leadGenerator(seed);
  const bodies = Array.from({ length: count }, (_, i) => next(i));
  const started = performance.now();
  const ids = await pool(count, HTTP_SEED_CONCURRENCY, async (i) => {
    const response = await fetch(`${baseUrl}/v1/ext/procedure/${PROCEDURE}/process`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(bodies[i]),
    });
    const payload = (await response.json()) as { _data: { id: string }; _errors?: string[] };
    if (response.status !== 200) throw new Error(`seeding over HTTP: ${response.status} ${JSON.stringify(payload._errors)}`);
    return payload._data.id;
  });
  return { ids, seconds: (performance.now() - started) / 1000 };
}

/** Adds `-c <setting>` to a PostgreSQL URL's `options` parameter (keeping search_path). */
export function withSessionOption(url: string, setting: string): string {
  const parsed = new URL(url);
  const options = parsed.searchParams.get('options');
  parsed.searchParams.set('options', `${options ? `${options} ` : ''}-c ${setting}`);
  return parsed.toString();
}
