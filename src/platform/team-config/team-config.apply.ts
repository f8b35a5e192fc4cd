import type { Db } from '../../db/database.ts';
import { newId } from '../../shared/ids.ts';
import type { Clock } from '../../shared/time.ts';
import { createTeamsRepo } from '../teams/index.ts';
import { CONFIG_TABLES, createConfigObjectsRepo, type ConfigTable } from './config-objects.repo.ts';
import type { TeamConfigFile } from './config-file.types.ts';
import { TABLE_LABELS, planConfigRows, type DesiredRow } from './team-config.plan.ts';
import { applyUsers } from './team-config.apply-users.ts';
import { ConfigApplyError } from './team-config.errors.ts';

export interface ApplyOptions {
  readonly prune: boolean;
  readonly force: boolean;
}

export interface ApplySummary {
  teamId: string;
  teamSlug: string;
  created: string[];
  updated: string[];
  deleted: string[];
  unchanged: number;
}

export interface ApplyDeps {
  readonly clock: Clock;
  readonly credentialsChanged: (tx: Db) => Promise<void>;
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
  const teamId = await upsertTeam(tx, file, now);
  const summary: ApplySummary = { teamId, teamSlug: file.team.slug, created: [], updated: [], deleted: [], unchanged: 0 };
  const repo = createConfigObjectsRepo(tx);
  const state = await repo.loadState(teamId);
  const desired = planConfigRows(file, teamId, state);

  for (const table of WRITE_ORDER) {
    const stored = new Map(state[table].map((row) => [row.id, row as unknown as Record<string, unknown>]));
    for (const want of desired.filter((d) => d.table === table)) {
      await writeRow(tx, want, stored.get(want.row.id), now, summary);
    }
  }
  if (options.prune) await pruneRows(tx, teamId, desired, state, summary);
  const usersChanged = await applyUsers(tx, teamId, file, options, now, summary);
  const rolesChanged = [...summary.created, ...summary.updated, ...summary.deleted].some((l) => l.startsWith('role '));
  if (usersChanged || rolesChanged) await deps.credentialsChanged(tx);
  return summary;
}

async function upsertTeam(tx: Db, file: TeamConfigFile, now: number): Promise<string> {
  const teams = createTeamsRepo(tx);
  const t = file.team;
  const existing = await teams.findBySlug(t.slug);
  const fields = { name: t.name, timezone: t.timezone, default_country_code: t.defaultCountryCode };
  if (!existing) {
    const id = newId();
    await teams.insert({ id, slug: t.slug, ...fields, created_at: now, updated_at: now });
    return id;
  }
  if (existing.name !== t.name || existing.timezone !== t.timezone || existing.default_country_code !== t.defaultCountryCode) {
    await teams.update(existing.id, { ...fields, updated_at: now });
  }
  return existing.id;
}

function normalise(column: string, value: unknown, readJson: (v: unknown) => unknown): unknown {
  if (!JSON_COLUMNS.has(column)) return value ?? null;
  const parsed = typeof value === 'string' ? JSON.parse(value) : readJson(value);
  return JSON.stringify(parsed ?? null);
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
  state: Awaited<ReturnType<ReturnType<typeof createConfigObjectsRepo>['loadState']>>, summary: ApplySummary,
): Promise<void> {
  const repo = createConfigObjectsRepo(tx);
  const kept = new Set(desired.map((d) => d.row.id));
  for (const table of [...WRITE_ORDER].reverse()) {
    for (const row of state[table]) {
      if (kept.has(row.id)) continue;
      const label = `${TABLE_LABELS[table]} ${row.short_id}`;
      try {
        await repo.remove(table, teamId, row.id);
      } catch (error: unknown) {
        throw new ConfigApplyError(`cannot prune ${label}: it is still in use`, { cause: error });
      }
      summary.deleted.push(label);
    }
  }
}
