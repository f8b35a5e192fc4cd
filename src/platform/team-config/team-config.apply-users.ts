import type { Db } from '../../db/database.ts';
import { newId } from '../../shared/ids.ts';
import { createUsersRepo, type UserRow, type UsersRepo } from '../users/index.ts';
import { createConfigObjectsRepo } from './config-objects.repo.ts';
import type { TeamConfigFile, UserSpec } from './config-file.types.ts';
import type { ApplyOptions, ApplySummary } from './team-config.summary.ts';
import { ConfigApplyError } from './team-config.errors.ts';

interface Lookups {
  roleIds: Map<string, string>;
  podIds: Map<string, string>;
}

/**
 * Users are matched by username. Pruned users are soft-deleted (their keys stop working and what
 * they created keeps its `createdBy`); service users behind API keys are never pruned.
 * Returns whether anything changed that cached credentials could depend on.
 */
export async function applyUsers(
  tx: Db, teamId: string, file: TeamConfigFile, options: ApplyOptions, now: number, summary: ApplySummary,
): Promise<boolean> {
  const repo = createUsersRepo(tx);
  const objects = createConfigObjectsRepo(tx);
  const [roles, pods, stored] = await Promise.all([objects.list('roles', teamId), objects.list('pods', teamId), repo.listAll(teamId)]);
  const lookups: Lookups = {
    roleIds: new Map(roles.map((r) => [r.short_id, r.id])),
    podIds: new Map(pods.map((p) => [p.short_id, p.id])),
  };
  // The validator treats usernames as case-insensitive, so matching does too.
  const byName = new Map(stored.map((u) => [u.username.toLowerCase(), u]));
  let changed = false;
  const results = new Map<string, { id: string; change: 'created' | string[] }>();
  for (const spec of file.users) {
    results.set(spec.username, await upsertUser(repo, teamId, spec, byName.get(spec.username.toLowerCase()), lookups, now));
  }
  // Managers are set once every user of the file exists; the summary is written after, so a
  // user whose manager alone moved is reported once, as updated.
  for (const spec of file.users) {
    const result = results.get(spec.username)!;
    const managerId = spec.manager ? (results.get(spec.manager)?.id ?? null) : null;
    const current = byName.get(spec.username.toLowerCase());
    if ((current?.manager_id ?? null) !== managerId) {
      await repo.update(teamId, result.id, { manager_id: managerId, updated_at: now });
      if (result.change !== 'created') result.change.push('manager');
    }
    if (result.change === 'created') summary.created.push(`user ${spec.username}`);
    else if (result.change.length > 0) summary.updated.push(`user ${spec.username} (${result.change.join(', ')})`);
    else summary.unchanged += 1;
    changed ||= result.change.length > 0;
  }
  if (options.prune) changed = (await pruneUsers(repo, teamId, file, stored, now, summary)) || changed;
  return changed;
}

async function upsertUser(
  repo: UsersRepo, teamId: string, spec: UserSpec, current: UserRow | undefined, lookups: Lookups, now: number,
): Promise<{ id: string; change: 'created' | string[] }> {
  const fields = {
    first_name: spec.firstName, last_name: spec.lastName, middle_name: spec.middleName, display_name: spec.displayName,
    timezone: spec.timezone, is_active: (spec.isActive ? 1 : 0) as 0 | 1,
    role_id: spec.role ? (lookups.roleIds.get(spec.role) ?? null) : null,
    is_deleted: 0 as const, deleted_at: null,
  };
  const id = current?.id ?? newId();
  if (!current) {
    await repo.insert({
      id, team_id: teamId, username: spec.username, ...fields, gender: '', dob: 0, bio: '', profile_image_url: '',
      cover_image_url: '', data: null, onboarding_data: null, availability_status: 'AVAILABLE', manager_id: null,
      is_service_account: 0, primary_email_id: null, primary_phone_id: null, created_at: now, updated_at: now,
    });
  }
  const changes: Record<string, unknown> = {};
  if (current) {
    for (const [column, value] of Object.entries(fields)) {
      if ((current as Record<string, unknown>)[column] !== value) changes[column] = value;
    }
  }
  const emailId = await ensureEmail(repo, teamId, id, spec, now);
  if (emailId !== (current?.primary_email_id ?? null)) changes.primary_email_id = emailId;
  const phoneId = await ensurePhone(repo, teamId, id, spec.phone, now);
  if (phoneId !== (current?.primary_phone_id ?? null)) changes.primary_phone_id = phoneId;
  if (Object.keys(changes).length > 0) await repo.update(teamId, id, { ...changes, updated_at: now });
  const podsChanged = await syncPods(repo, teamId, id, spec, lookups);
  if (!current) return { id, change: 'created' };
  const names = Object.keys(changes).map((c) => c.replace(/^primary_/, '').replace(/_id$/, ''));
  return { id, change: podsChanged ? [...names, 'pods'] : names };
}

async function ensureEmail(repo: UsersRepo, teamId: string, userId: string, spec: UserSpec, now: number): Promise<string | null> {
  if (spec.email === null) return null;
  const normalized = spec.email.toLowerCase();
  const owner = (await repo.listEmails(teamId)).find((e) => e.normalized_email === normalized);
  if (owner && owner.user_id !== userId) {
    throw new ConfigApplyError(`users: email "${spec.email}" of "${spec.username}" already belongs to another user of the team`);
  }
  if (owner) return owner.id;
  const id = newId();
  await repo.insertEmail({
    id, team_id: teamId, user_id: userId, email: spec.email, normalized_email: normalized, type: '', is_verified: 0,
    created_at: now, updated_at: now,
  });
  return id;
}

async function ensurePhone(repo: UsersRepo, teamId: string, userId: string, phone: string | null, now: number): Promise<string | null> {
  if (phone === null) return null;
  const existing = await repo.findPhone(teamId, userId, phone);
  if (existing) return existing.id;
  const id = newId();
  await repo.insertPhone({ id, team_id: teamId, user_id: userId, phone, type: '', is_verified: 0, created_at: now, updated_at: now });
  return id;
}

async function syncPods(repo: UsersRepo, teamId: string, userId: string, spec: UserSpec, lookups: Lookups): Promise<boolean> {
  const want = [...new Set(spec.pods.map((p) => lookups.podIds.get(p)!))].sort();
  const aggregate = await repo.findAggregate(teamId, userId);
  const have = [...(aggregate?.podIds ?? [])].sort();
  if (want.join() === have.join()) return false;
  await repo.replacePods(teamId, userId, want);
  return true;
}

async function pruneUsers(
  repo: UsersRepo, teamId: string, file: TeamConfigFile, stored: readonly UserRow[], now: number, summary: ApplySummary,
): Promise<boolean> {
  const wanted = new Set(file.users.map((u) => u.username.toLowerCase()));
  let changed = false;
  for (const user of stored) {
    if (wanted.has(user.username.toLowerCase()) || user.is_service_account === 1 || user.is_deleted === 1) continue;
    await repo.update(teamId, user.id, { is_deleted: 1, is_active: 0, deleted_at: now, updated_at: now });
    // A deleted user belongs to no pod, so pods they were in can be pruned too.
    await repo.replacePods(teamId, user.id, []);
    summary.deleted.push(`user ${user.username}`);
    changed = true;
  }
  return changed;
}
