import { stringify } from 'yaml';
import type { Principal } from '../src/http/auth.ts';
import { procedureTable } from '../src/platform/processes/index.ts';
import { CITIES, seededRandom } from './data.ts';
import { pool, withRuntime, withSeeder } from './seed.ts';

/**
 * The other tenants of a crowded database: teams of PROCEDURES_PER_TEAM procedures with 11
 * attributes each, applied as one config file per team, then filled with processes. They share
 * nothing with the bench team, so whatever they cost the bench's `lead` is the price of a
 * database that holds many procedures.
 */

const PROCEDURES_PER_TEAM = 5;
/** Creates per seeding transaction. */
const SEED_BATCH = 1000;
/**
 * Procedures filled at once on PostgreSQL, whose pool lets transactions run side by side, so one's
 * round trips overlap another's work. SQLite's one connection takes them one after another.
 */
const PG_SEED_CONCURRENCY = 4;

type Env = Record<string, string | undefined>;

const FIRST_NAMES = ['Asha', 'Ravi', 'Meera', 'Arjun', 'Priya', 'Kiran', 'Neha', 'Vikram', 'Anita', 'Rahul', 'Sunita', 'Deepak'];
const LAST_NAMES = ['Sharma', 'Patel', 'Iyer', 'Reddy', 'Nair', 'Gupta', 'Singh', 'Das', 'Menon', 'Joshi'];
const SOURCES = ['web', 'referral', 'ads', 'walk_in', 'partner'];
const DAY_MS = 86_400_000;
const EPOCH = Date.UTC(2025, 0, 1);

/** Eleven attributes, every one scalar and comparable, so every one gets an index. */
const ATTRIBUTES = [
  { shortId: 'case_id', type: 'stringId', autoGenerate: { prefix: 'CASE-', digits: 6 } },
  { shortId: 'first_name', type: 'name', required: true },
  { shortId: 'last_name', type: 'name' },
  { shortId: 'phone_number', type: 'phone' },
  { shortId: 'score', type: 'integer' },
  { shortId: 'city', type: 'stringEnum', options: [...CITIES] },
  { shortId: 'amount', type: 'decimal' },
  { shortId: 'created_on', type: 'date' },
  { shortId: 'rating', type: 'integerEnum', options: [1, 2, 3, 4, 5] },
  { shortId: 'source', type: 'stringEnum', options: SOURCES },
  { shortId: 'active', type: 'boolean' },
];

const teamSlug = (team: number): string => `crowd-${String(team + 1).padStart(3, '0')}`;
const procedureId = (index: number): string => `case_${index + 1}`;

/** One team's config file: an admin role and PROCEDURES_PER_TEAM procedures, no entity. */
function crowdTeamConfig(team: number): string {
  return stringify({
    team: { slug: teamSlug(team), name: `Crowd ${team + 1}`, timezone: '+05:30', defaultCountryCode: '91' },
    roles: [{ shortId: 'admin', name: 'Admin', type: 'ADMIN' }],
    procedures: Array.from({ length: PROCEDURES_PER_TEAM }, (_, p) => ({
      shortId: procedureId(p),
      name: `Case ${p + 1}`,
      primaryKey: 'case_id',
      primaryIdentifier: 'first_name',
      phoneAttribute: 'phone_number',
      states: [{ shortId: 'OPEN', name: 'Open' }, { shortId: 'WON', name: 'Won' }, { shortId: 'LOST', name: 'Lost' }],
      attributes: ATTRIBUTES.map((a) => ({ ...a, name: a.shortId })),
    })),
  });
}

/** A create body with all ten attributes that are not generated; `index` keeps phone numbers distinct. */
function caseGenerator(seed: number): (index: number) => Record<string, unknown> {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  return (index) => ({
    data: {
      first_name: pick(FIRST_NAMES),
      last_name: pick(LAST_NAMES),
      phone_number: `8${String(seed % 1000).padStart(3, '0')}${String(index).padStart(6, '0')}`,
      score: Math.floor(random() * 100),
      city: pick(CITIES),
      amount: Math.round(random() * 10_000_000) / 100,
      created_on: EPOCH + Math.floor(random() * 365) * DAY_MS,
      rating: 1 + Math.floor(random() * 5),
      source: pick(SOURCES),
      active: random() < 0.5,
    },
  });
}

export interface CrowdResult {
  readonly teams: number;
  readonly procedures: number;
  readonly processes: number;
  /** The `config apply` of every team file, one after another (the files are written beforehand). */
  readonly applySeconds: number;
  readonly seedSeconds: number;
}

/**
 * Applies `procedures / PROCEDURES_PER_TEAM` team files (timed, through the same service as
 * `chakra config apply`), then creates `perProcedure` processes in each procedure in-process
 * (untimed setup; see withSeeder).
 */
export async function addCrowd(env: Env, procedures: number, perProcedure: number, log: (line: string) => void): Promise<CrowdResult> {
  const teams = Math.ceil(procedures / PROCEDURES_PER_TEAM);
  const files = Array.from({ length: teams }, (_, t) => crowdTeamConfig(t));
  const { applySeconds, tokens } = await withRuntime(env, async (runtime) => {
    const started = performance.now();
    for (let t = 0; t < teams; t++) await runtime.services.teamConfig.apply({ teamSlug: teamSlug(t), text: files[t], env: {} });
    const seconds = (performance.now() - started) / 1000;
    const keys = [];
    for (let t = 0; t < teams; t++) keys.push((await runtime.services.apiKeys.createKey({ teamSlug: teamSlug(t), name: 'bench', roleShortId: 'admin' })).token);
    return { applySeconds: seconds, tokens: keys };
  });
  log(`  applied ${teams} team files (${procedures} procedures) in ${applySeconds.toFixed(1)} s; creating ${perProcedure} processes in each…`);
  const started = performance.now();
  await withSeeder(env, async ({ principalOf, createBatch }) => {
    const principals: Principal[] = [];
    for (const token of tokens) principals.push(await principalOf(token));
    let filled = 0;
    await pool(procedures, env.DATABASE_URL ? PG_SEED_CONCURRENCY : 1, async (index) => {
      const principal = principals[Math.floor(index / PROCEDURES_PER_TEAM)];
      const procedure = procedureId(index % PROCEDURES_PER_TEAM);
      const body = caseGenerator(index + 1);
      for (let from = 0; from < perProcedure; from += SEED_BATCH) await createBatch(principal, procedure, from, Math.min(from + SEED_BATCH, perProcedure), body);
      if (++filled % 20 === 0) log(`  … ${filled} of ${procedures} procedures filled after ${Math.round((performance.now() - started) / 1000)} s`);
    });
  });
  await refreshStatistics(env);
  return { teams, procedures, processes: procedures * perProcedure, applySeconds: round1(applySeconds), seedSeconds: round1((performance.now() - started) / 1000) };
}

/**
 * Refreshes the statistics of every procedure's table the way the server does after a config
 * apply, as autovacuum (PostgreSQL) would have by the time a database is this full. Both sides
 * of a comparison get it, so neither is planned from older statistics than the other.
 */
export async function refreshStatistics(env: Env): Promise<void> {
  await withRuntime(env, async (runtime) => {
    const rows = await runtime.db.kysely.selectFrom('procedures').select('id').execute();
    await runtime.db.dialect.refreshStatistics(runtime.db.kysely, rows.map((row) => procedureTable(row.id)));
  });
}

const round1 = (value: number): number => Math.round(value * 10) / 10;
