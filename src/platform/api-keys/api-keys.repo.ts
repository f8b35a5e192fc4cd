import type { Db } from '../../db/database.ts';
import type { ApiKeysTable, ApiTokensTable } from '../../db/schema.ts';
import type { Principal } from '../../http/auth.ts';

export interface ApiKeyListRow {
  id: string;
  name: string;
  description: string;
  role_short_id: string;
  role_type: string;
  username: string;
  is_service_account: number;
  created_at: number;
  revoked_at: number | null;
}

export function createApiKeysRepo(db: Db) {
  return {
    async insertKey(row: ApiKeysTable): Promise<void> {
      await db.kysely.insertInto('api_keys').values(row).execute();
    },
    async insertToken(row: ApiTokensTable): Promise<void> {
      await db.kysely.insertInto('api_tokens').values(row).execute();
    },

    async list(teamId: string): Promise<ApiKeyListRow[]> {
      return db.kysely
        .selectFrom('api_keys as k')
        .innerJoin('roles as r', 'r.id', 'k.role_id')
        .innerJoin('users as u', 'u.id', 'k.user_id')
        .select([
          'k.id', 'k.name', 'k.description', 'r.short_id as role_short_id', 'r.type as role_type',
          'u.username', 'u.is_service_account', 'k.created_at', 'k.revoked_at',
        ])
        .where('k.team_id', '=', teamId)
        .orderBy('k.created_at')
        .orderBy('k.id')
        .execute();
    },

    async findKey(teamId: string, keyId: string): Promise<ApiKeysTable | undefined> {
      return db.kysely.selectFrom('api_keys').selectAll().where('team_id', '=', teamId).where('id', '=', keyId).executeTakeFirst();
    },

    async revoke(teamId: string, keyId: string, now: number): Promise<void> {
      await db.kysely.updateTable('api_keys').set({ revoked_at: now, updated_at: now }).where('team_id', '=', teamId).where('id', '=', keyId).execute();
      await db.kysely.updateTable('api_tokens').set({ revoked_at: now }).where('team_id', '=', teamId).where('api_key_id', '=', keyId).where('revoked_at', 'is', null).execute();
    },

    /**
     * The one lookup not scoped by team: it is how a request's team is found. Only live
     * tokens of live keys acting as active, non-deleted users resolve.
     */
    async findPrincipalByTokenHash(tokenHash: string): Promise<Principal | undefined> {
      const row = await db.kysely
        .selectFrom('api_tokens as t')
        .innerJoin('api_keys as k', 'k.id', 't.api_key_id')
        .innerJoin('roles as r', 'r.id', 'k.role_id')
        .innerJoin('users as u', 'u.id', 'k.user_id')
        .select(['k.team_id as teamId', 'k.id as keyId', 'k.user_id as userId', 'k.role_id as roleId', 'r.type as roleType'])
        .where('t.token_hash', '=', tokenHash)
        .where('t.revoked_at', 'is', null)
        .where('k.revoked_at', 'is', null)
        .where('u.is_active', '=', 1)
        .where('u.is_deleted', '=', 0)
        .executeTakeFirst();
      return row ? { ...row } : undefined;
    },

  };
}

export type ApiKeysRepo = ReturnType<typeof createApiKeysRepo>;
