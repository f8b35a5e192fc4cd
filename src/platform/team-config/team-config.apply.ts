import type { Db } from '../../db/database.ts';
import { newId } from '../../shared/ids.ts';
import type { Clock } from '../../shared/time.ts';
import { createTeamsRepo } from '../teams/index.ts';
import { CONFIG_TABLES, createConfigObjectsRepo, type ConfigTable, type TeamConfigState } from './config-objects.repo.ts';
import type { ProcessStorage } from './process-storage.port.ts';
import type { PluginStore } from './plugin-store.port.ts';
import type { ApplyOptions, ApplySummary } from './team-config.summary.ts';

export type { ApplyOptions, ApplySummary };
import type { TeamConfigFile } from './config-file.types.ts';
import { labelOfRow, planConfigRows, type DesiredRow } from './team-config.plan.ts';
import { applyUsers } from './team-config.apply-users.ts';
import { ConfigApplyError } from './team-config.errors.ts';
import { guardStoredValues } from './team-config.guard.ts';
import { createRevisionsRepo } from '../revisions/index.ts';

export interface ApplyDeps {
  readonly clock: Clock;
  readonly storage: ProcessStorage;
  readonly plugins: PluginStore;
}

/** Write order: parents before children (foreign keys); pruning runs in the reverse order. */
const WRITE_ORDER: readonly ConfigTable[] = CONFIG_TABLES;
const JSON_COLUMNS = new Set(['options', 'auto_generate', 'schema', 'attribute_ids', 'state_ids']);

/**
 * Applies a validated config file inside the caller's transaction: creates what is new, updates
 * what changed, deletes what the file no longer has only with `prune`. Objects are matched by
 * shortId (users by username), so applying the same file twice changes nothing the second time.
 */
export async function applyTeamConfig(tx: Db, file: TeamConfigFile, options: ApplyOptions, deps: ApplyDeps): Promise<ApplySummary> {
  const now = deps.clock();
  const summary: ApplySummary = { teamId: '', teamSlug: file.team.slug, created: [], updated: [], deleted: [], unchanged: 0 };
  const teamId = await upsertTeam(tx, file, now, summary);
  summary.teamId = teamId;
  const repo = createConfigObjectsRepo(tx);
  const state = await repo.loadState(teamId);
  const desired = planConfigRows(file, teamId, state);
  await guardStoredValues(tx, teamId, state, desired, options.force, deps.storage);

  for (const table of WRITE_ORDER) {
    const stored = new Map(state[table].map((row) => [row.id, row as unknown as Record<string, unknown>]));
    for (const want of desired.filter((d) => d.table === table)) {
      await writeRow(tx, want, stored.get(want.row.id), now, summary);
    }
  }
  // Users first: a pod or role the file drops can only be pruned once no user of the file is in it.
  const usersChanged = await applyUsers(tx, teamId, file, options, now, summary);
  // Plugins before pruning: a plugin that moves to another lead procedure frees the old one.
  await applyPlugins(tx, teamId, file, options, now, summary, deps.plugins);
  if (options.prune) await pruneRows(tx, teamId, desired, state, summary, deps.storage);
  await deps.storage.sync(tx, teamId, state);
  const rolesChanged = [...summary.created, ...summary.updated, ...summary.deleted].some((l) => l.startsWith('role '));
  const revisions = createRevisionsRepo(tx);
  if (usersChanged || rolesChanged) await revisions.bump('auth');
  if (summary.created.length + summary.updated.length + summary.deleted.length > 0) await revisions.bump('config');
  return summary;
}

async function applyPlugins(
  tx: Db, teamId: string, file: TeamConfigFile, options: ApplyOptions, now: number, summary: ApplySummary, store: PluginStore,
): Promise<void> {
  const procedures = await createConfigObjectsRepo(tx).list('procedures', teamId);
  const idOf = new Map(procedures.map((p) => [p.short_id, p.id]));
  const result = await store.apply(tx, teamId, file.plugins, { procedureId: (shortId) => idOf.get(shortId), prune: options.prune, now });
  summary.created.push(...result.created);
  summary.updated.push(...result.updated);
  summary.deleted.push(...result.deleted);
  summary.unchanged += result.unchanged;
}

async function upsertTeam(tx: Db, file: TeamConfigFile, now: number, summary: ApplySummary): Promise<string> {
  const teams = createTeamsRepo(tx);
  const t = file.team;
  const existing = await teams.findBySlug(t.slug);
  const fields = { name: t.name, timezone: t.timezone, default_country_code: t.defaultCountryCode };
  if (!existing) {
    const id = newId();
    await teams.insert({ id, slug: t.slug, ...fields, created_at: now, updated_at: now });
    summary.created.push(`team ${t.slug}`);
    return id;
  }
  const names = (Object.keys(fields) as (keyof typeof fields)[]).filter((column) => existing[column] !== fields[column]);
  if (names.length === 0) {
    summary.unchanged += 1;
  } else {
    await teams.update(existing.id, { ...fields, updated_at: now });
    summary.updated.push(`team ${t.slug} (${names.join(', ')})`);
  }
  return existing.id;
}

/** JSON with object keys sorted: PostgreSQL's jsonb does not keep the order keys were written in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function normalise(column: string, value: unknown, readJson: (v: unknown) => unknown): unknown {
  if (!JSON_COLUMNS.has(column)) return value ?? null;
  return canonicalJson(typeof value === 'string' ? JSON.parse(value) : readJson(value));
}

async function writeRow(tx: Db, want: DesiredRow, stored: Record<string, unknown> | undefined, now: number, summary: ApplySummary): Promise<void> {
  const repo = createConfigObjectsRepo(tx);
  if (!stored) {
    await repo.insert(want.table, { ...want.row, created_at: now, updated_at: now } as never);
    summary.created.push(want.label);
    return;
  }
  const changed: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(want.row)) {
    const read = (v: unknown) => tx.dialect.readJson(v);
    if (normalise(column, value, read) !== normalise(column, stored[column], read)) changed[column] = value;
  }
  const names = Object.keys(changed);
  if (names.length === 0) {
    summary.unchanged += 1;
    return;
  }
  await repo.update(want.table, want.row.team_id, want.row.id, { ...changed, updated_at: now } as never);
  summary.updated.push(`${want.label} (${names.map((n) => n.replace(/_id$/, '')).join(', ')})`);
}

async function pruneRows(
  tx: Db, teamId: string, desired: readonly DesiredRow[],
  state: TeamConfigState, summary: ApplySummary, storage: ProcessStorage,
): Promise<void> {
  const repo = createConfigObjectsRepo(tx);
  const kept = new Set(desired.map((d) => d.row.id));
  // A procedure's processes (deleted ones too: their history refers to them) keep it in use.
  for (const procedure of state.procedures.filter((p) => !kept.has(p.id))) {
    const held = await storage.countProcesses(tx, procedure.id);
    if (held > 0) throw new ConfigApplyError(`cannot prune procedure ${procedure.short_id}: it still has ${held} process${held === 1 ? '' : 'es'}`);
  }
  for (const table of [...WRITE_ORDER].reverse()) {
    for (const row of state[table]) {
      if (kept.has(row.id)) continue;
      const label = labelOfRow(table, row as unknown as Record<string, unknown>, state);
      try {
        await repo.remove(table, teamId, row.id);
      } catch (error: unknown) {
        throw new ConfigApplyError(`cannot prune ${label}: it is still in use`, { cause: error });
      }
      summary.deleted.push(label);
    }
  }
}
