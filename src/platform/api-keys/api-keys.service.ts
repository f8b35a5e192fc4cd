import type { Db } from '../../db/database.ts';
import { newAccessToken, sha256Hex } from '../../shared/crypto.ts';
import { newId } from '../../shared/ids.ts';
import type { Clock } from '../../shared/time.ts';
import { createTeamsRepo } from '../teams/index.ts';
import { createConfigObjectsRepo } from '../team-config/config-objects.repo.ts';
import { createUsersRepo } from '../users/users.repo.ts';
import { createApiKeysRepo } from './api-keys.repo.ts';
import * as errors from './api-keys.errors.ts';
import { createRevisionsRepo } from '../revisions/index.ts';

export interface CreateKeyInput {
  teamSlug: string;
  name: string;
  description?: string;
  roleShortId: string;
  /** Act as this existing user; without it the key gets its own hidden service user. */
  username?: string;
}

export interface ApiKeyView {
  id: string;
  name: string;
  description: string;
  role: string;
  roleType: string;
  user: string;
  isServiceAccount: boolean;
  createdAt: number;
  revokedAt: number | null;
}

/** Keys are managed from the CLI (OPERATIONS.md); tokens are shown once and stored hashed. */
export interface ApiKeysDeps {
  readonly db: Db;
  readonly clock: Clock;
  /** Called after a commit that moved a cache revision, so this process's caches drop at once. */
  readonly revisionsChanged: () => Promise<void>;
}

export function createApiKeysService(deps: ApiKeysDeps) {
  const { db, clock } = deps;

  async function teamIdOf(tx: Db, slug: string): Promise<string> {
    const team = await createTeamsRepo(tx).findBySlug(slug);
    if (!team) throw errors.unknownTeam(slug);
    return team.id;
  }

  async function createServiceUser(tx: Db, teamId: string, keyId: string, name: string, roleId: string): Promise<string> {
    const userId = newId();
    const now = clock();
    await createUsersRepo(tx).insert({
      id: userId, team_id: teamId, username: `svc_${keyId.replace(/-/g, '').slice(-12)}`,
      first_name: name, last_name: '', middle_name: '', display_name: name, gender: '', dob: 0, bio: '',
      profile_image_url: '', cover_image_url: '', timezone: '', data: null, onboarding_data: null,
      is_active: 1, is_deleted: 0, deleted_at: null, availability_status: 'AVAILABLE', role_id: roleId,
      manager_id: null, is_service_account: 1, primary_email_id: null, primary_phone_id: null,
      created_at: now, updated_at: now,
    });
    return userId;
  }

  return {
    /** Creates a key with one token; the token is returned here and never again. */
    async createKey(input: CreateKeyInput): Promise<ApiKeyView & { token: string }> {
      if (input.name.trim() === '') throw errors.emptyKeyName();
      return db.transaction(async (tx) => {
        const teamId = await teamIdOf(tx, input.teamSlug);
        const role = await createConfigObjectsRepo(tx).findRole(teamId, input.roleShortId);
        if (!role) throw errors.unknownRole(input.roleShortId);
        const keyId = newId();
        let userId: string;
        if (input.username !== undefined) {
          const user = await createUsersRepo(tx).findByUsername(teamId, input.username);
          if (!user) throw errors.unknownUser(input.username);
          if (!user.is_active || user.is_deleted) throw errors.inactiveUser(input.username);
          userId = user.id;
        } else {
          userId = await createServiceUser(tx, teamId, keyId, input.name.trim(), role.id);
        }
        const now = clock();
        const token = newAccessToken();
        const repo = createApiKeysRepo(tx);
        await repo.insertKey({
          id: keyId, team_id: teamId, name: input.name.trim(), description: input.description ?? '',
          role_id: role.id, user_id: userId, created_at: now, updated_at: now, revoked_at: null,
        });
        await repo.insertToken({
          id: newId(), team_id: teamId, api_key_id: keyId, token_hash: sha256Hex(token),
          token_hint: token.slice(0, 8), created_at: now, revoked_at: null,
        });
        const username = input.username ?? (await createUsersRepo(tx).findById(teamId, userId))!.username;
        return {
          id: keyId, token, name: input.name.trim(), description: input.description ?? '', role: role.short_id,
          roleType: role.type, user: username, isServiceAccount: input.username === undefined,
          createdAt: now, revokedAt: null,
        };
      });
    },

    async listKeys(teamSlug: string): Promise<ApiKeyView[]> {
      const teamId = await teamIdOf(db, teamSlug);
      const rows = await createApiKeysRepo(db).list(teamId);
      return rows.map((r) => ({
        id: r.id, name: r.name, description: r.description, role: r.role_short_id, roleType: r.role_type,
        user: r.username, isServiceAccount: r.is_service_account === 1, createdAt: r.created_at, revokedAt: r.revoked_at,
      }));
    },

    /** Revokes a key and all its tokens; every server process refuses them within a second. */
    async revokeKey(teamSlug: string, keyId: string): Promise<void> {
      await db.transaction(async (tx) => {
        const teamId = await teamIdOf(tx, teamSlug);
        const repo = createApiKeysRepo(tx);
        const key = await repo.findKey(teamId, keyId);
        if (!key) throw errors.unknownKey(keyId);
        if (key.revoked_at === null) await repo.revoke(teamId, keyId, clock());
        await createRevisionsRepo(tx).bump('auth');
      });
      await deps.revisionsChanged();
    },
  };
}

export type ApiKeysService = ReturnType<typeof createApiKeysService>;
