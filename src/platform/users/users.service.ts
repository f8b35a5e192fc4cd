import type { Db } from '../../db/database.ts';
import type { Principal } from '../../http/auth.ts';
import { isUuid, newId } from '../../shared/ids.ts';
import { isValidTimezone, type Clock } from '../../shared/time.ts';
import { createTeamsRepo } from '../teams/index.ts';
import { createConfigObjectsRepo } from '../team-config/config-objects.repo.ts';
import { createUsersRepo, type UserAggregate, type UserRow, type UsersRepo } from './users.repo.ts';
import { toUserV1, toUserV2, type HumanizeContext } from './users.mapper.ts';
import type { UpdateUserInput, UserV1Wire, UserV2Wire } from './users.schemas.ts';
import * as errors from './users.errors.ts';
import { createRevisionsRepo } from '../revisions/index.ts';

export interface UsersDeps {
  readonly db: Db;
  readonly clock: Clock;
  /** Called after a commit that moved a cache revision, so this process's caches drop at once. */
  readonly revisionsChanged: () => Promise<void>;
}

/** Strips the punctuation people type in phone numbers; null when what is left is not 6–15 digits. */
export function normalizePhone(value: string): string | null {
  const digits = value.replace(/[\s()+.-]/g, '');
  return /^\d{6,15}$/.test(digits) ? digits : null;
}

export function createUsersService(deps: UsersDeps) {
  const { db, clock } = deps;

  async function humanizeContext(teamId: string): Promise<HumanizeContext> {
    const objects = createConfigObjectsRepo(db);
    const [team, roles, pods] = await Promise.all([
      createTeamsRepo(db).findById(teamId),
      objects.list('roles', teamId),
      objects.list('pods', teamId),
    ]);
    return {
      teamSlug: team?.slug ?? '',
      timezone: team?.timezone ?? 'UTC',
      roleShortIds: new Map(roles.map((r) => [r.id, r.short_id])),
      podShortIds: new Map(pods.map((p) => [p.id, p.short_id])),
    };
  }

  async function load(principal: Principal, userId: string): Promise<UserAggregate> {
    if (!isUuid(userId)) throw errors.invalidUserId();
    const found = await createUsersRepo(db).findAggregate(principal.teamId, userId);
    // A deleted user is listed (with isDeleted) but, like any deleted object, not fetched (API.md §0).
    if (!found || found.user.is_deleted === 1) throw errors.userNotFound();
    return found;
  }

  return {
    async list(principal: Principal, options: { includeServiceAccounts: boolean }): Promise<UserV1Wire[]> {
      return (await createUsersRepo(db).list(principal.teamId, options)).map(toUserV1);
    },
    async listHumanized(principal: Principal, options: { includeServiceAccounts: boolean }): Promise<UserV2Wire[]> {
      const [users, ctx] = await Promise.all([createUsersRepo(db).list(principal.teamId, options), humanizeContext(principal.teamId)]);
      return users.map((u) => toUserV2(u, ctx));
    },
    async get(principal: Principal, userId: string): Promise<UserV1Wire> {
      return toUserV1(await load(principal, userId));
    },
    async getHumanized(principal: Principal, userId: string): Promise<UserV2Wire> {
      const [user, ctx] = await Promise.all([load(principal, userId), humanizeContext(principal.teamId)]);
      return toUserV2(user, ctx);
    },

    /** ADMIN and MANAGER keys may update users (MANAGER: USER and MANAGER users only); only ADMIN may change a role. */
    async update(principal: Principal, userId: string, input: UpdateUserInput): Promise<UserV1Wire> {
      if (principal.roleType === 'USER') throw errors.updateForbidden();
      if (input.role !== undefined && principal.roleType !== 'ADMIN') throw errors.roleChangeForbidden();
      if (!isUuid(userId)) throw errors.invalidUserId();
      if (input.timezone !== undefined && input.timezone !== '' && !isValidTimezone(input.timezone)) {
        throw errors.invalidTimezone(input.timezone);
      }
      let credentialsChanged = false;
      const updated = await db.transaction(async (tx) => {
        const repo = createUsersRepo(tx);
        const user = await repo.findById(principal.teamId, userId);
        if (!user || user.is_deleted === 1) throw errors.userNotFound();
        if (principal.roleType !== 'ADMIN') await checkManagerReach(tx, principal.teamId, user);
        const changes = await resolveChanges(tx, principal.teamId, user, input);
        const now = clock();
        if (input.primaryPhone !== undefined) {
          changes.primary_phone_id = await primaryPhoneId(repo, principal.teamId, user.id, input.primaryPhone, now);
        }
        await repo.update(principal.teamId, userId, { ...changes, updated_at: now });
        if (input.pods !== undefined) await repo.replacePods(principal.teamId, userId, await podIds(tx, principal.teamId, input.pods));
        // Keys acting as this user depend on whether it is active and on its role.
        credentialsChanged = changes.is_active !== undefined || changes.role_id !== undefined;
        if (credentialsChanged) await createRevisionsRepo(tx).bump('auth');
        return toUserV1((await repo.findAggregate(principal.teamId, userId))!);
      });
      if (credentialsChanged) await deps.revisionsChanged();
      return updated;
    },
  };

  async function primaryPhoneId(repo: UsersRepo, teamId: string, userId: string, value: string | null, now: number): Promise<string | null> {
    if (value === null || value.trim() === '') return null;
    const phone = normalizePhone(value);
    if (phone === null) throw errors.invalidPhone(value);
    const existing = await repo.findPhone(teamId, userId, phone);
    if (existing) return existing.id;
    const id = newId();
    await repo.insertPhone({ id, team_id: teamId, user_id: userId, phone, type: '', is_verified: 0, created_at: now, updated_at: now });
    return id;
  }
}

type UserChanges = Parameters<UsersRepo['update']>[2];

async function resolveChanges(tx: Db, teamId: string, user: UserRow, input: UpdateUserInput): Promise<UserChanges> {
  const changes: UserChanges = {};
  const text = { firstName: 'first_name', lastName: 'last_name', middleName: 'middle_name', displayName: 'display_name', gender: 'gender', bio: 'bio', timezone: 'timezone', profileImageUrl: 'profile_image_url' } as const;
  for (const [field, column] of Object.entries(text) as [keyof typeof text, (typeof text)[keyof typeof text]][]) {
    const value = input[field];
    if (value !== undefined) changes[column] = value;
  }
  if (input.dob !== undefined) changes.dob = input.dob;
  if (input.availabilityStatus !== undefined) changes.availability_status = input.availabilityStatus;
  if (input.data !== undefined) changes.data = input.data;
  if (input.isActive !== undefined && (input.isActive ? 1 : 0) !== user.is_active) changes.is_active = input.isActive ? 1 : 0;
  if (input.role !== undefined) {
    const role = await createConfigObjectsRepo(tx).findRole(teamId, input.role);
    if (!role) throw errors.unknownRole(input.role);
    if (role.id !== user.role_id) changes.role_id = role.id;
  }
  return changes;
}

/**
 * A MANAGER key may update USER and MANAGER users only. Deactivating an ADMIN user (an ADMIN
 * key's service user among them) would disable the keys acting as it, so a MANAGER could lock
 * out the team's administrators. A user with no role is refused too: nothing shows it is within
 * a MANAGER's reach, and an ADMIN can give it a role first.
 */
async function checkManagerReach(tx: Db, teamId: string, user: UserRow): Promise<void> {
  const role = user.role_id === null ? undefined : await createConfigObjectsRepo(tx).findRole(teamId, user.role_id);
  const roleType = role?.type ?? null;
  if (roleType !== 'USER' && roleType !== 'MANAGER') throw errors.outOfManagerReach(roleType);
}

async function podIds(tx: Db, teamId: string, values: readonly string[]): Promise<string[]> {
  const pods = await createConfigObjectsRepo(tx).list('pods', teamId);
  const ids = values.map((value) => {
    const pod = pods.find((p) => p.short_id === value || p.id === value);
    if (!pod) throw errors.unknownPod(value);
    return pod.id;
  });
  return [...new Set(ids)];
}

export type UsersService = ReturnType<typeof createUsersService>;
