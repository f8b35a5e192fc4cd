import type { Selectable } from 'kysely';
import type { Db } from '../../db/database.ts';
import { isUuid } from '../../shared/ids.ts';
import type { UserEmailsTable, UserPhonesTable, UsersTable } from '../../db/schema.ts';

export type UserRow = Omit<UsersTable, 'data' | 'onboarding_data'> & { data: unknown; onboarding_data: unknown };
export type UserEmailRow = UserEmailsTable;
export type UserPhoneRow = UserPhonesTable;

/** A user with everything the wire shapes need, loaded in a fixed number of queries. */
export interface UserAggregate {
  user: UserRow;
  emails: UserEmailRow[];
  phones: UserPhoneRow[];
  podIds: string[];
  reporteeIds: string[];
}

type UserInsert = Omit<UsersTable, 'data' | 'onboarding_data'> & { data: unknown; onboarding_data: unknown };

const json = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));

export function createUsersRepo(db: Db) {
  const readUser = (row: Selectable<UsersTable>): UserRow => ({
    ...row,
    data: db.dialect.readJson(row.data),
    onboarding_data: db.dialect.readJson(row.onboarding_data),
  });

  async function loadAggregates(teamId: string, users: Selectable<UsersTable>[]): Promise<UserAggregate[]> {
    if (users.length === 0) return [];
    const ids = users.map((u) => u.id);
    const q = db.kysely;
    const [emails, phones, pods, reportees] = await Promise.all([
      q.selectFrom('user_emails').selectAll().where('team_id', '=', teamId).where('user_id', 'in', ids).orderBy('created_at').orderBy('id').execute(),
      q.selectFrom('user_phones').selectAll().where('team_id', '=', teamId).where('user_id', 'in', ids).orderBy('created_at').orderBy('id').execute(),
      q.selectFrom('user_pods').select(['user_id', 'pod_id']).where('team_id', '=', teamId).where('user_id', 'in', ids).orderBy('pod_id').execute(),
      // Deleted users report to no one any more.
      q.selectFrom('users').select(['id', 'manager_id']).where('team_id', '=', teamId).where('manager_id', 'in', ids).where('is_deleted', '=', 0).orderBy('username').execute(),
    ]);
    return users.map((user) => ({
      user: readUser(user),
      emails: emails.filter((e) => e.user_id === user.id),
      phones: phones.filter((p) => p.user_id === user.id),
      podIds: pods.filter((p) => p.user_id === user.id).map((p) => p.pod_id),
      reporteeIds: reportees.filter((r) => r.manager_id === user.id).map((r) => r.id),
    }));
  }

  return {
    async list(teamId: string, options: { includeServiceAccounts: boolean }): Promise<UserAggregate[]> {
      let query = db.kysely.selectFrom('users').selectAll().where('team_id', '=', teamId);
      if (!options.includeServiceAccounts) query = query.where('is_service_account', '=', 0);
      return loadAggregates(teamId, await query.orderBy('created_at').orderBy('id').execute());
    },

    async findAggregate(teamId: string, userId: string): Promise<UserAggregate | undefined> {
      const row = await db.kysely.selectFrom('users').selectAll().where('team_id', '=', teamId).where('id', '=', userId).executeTakeFirst();
      return row ? (await loadAggregates(teamId, [row]))[0] : undefined;
    },

    async findById(teamId: string, userId: string): Promise<UserRow | undefined> {
      const row = await db.kysely.selectFrom('users').selectAll().where('team_id', '=', teamId).where('id', '=', userId).executeTakeFirst();
      return row ? readUser(row) : undefined;
    },

    async findByUsername(teamId: string, username: string): Promise<UserRow | undefined> {
      const row = await db.kysely.selectFrom('users').selectAll().where('team_id', '=', teamId).where('username', '=', username).executeTakeFirst();
      return row ? readUser(row) : undefined;
    },

    /**
     * A user by UUID, username or email (API bodies name users all three ways); with
     * `activeOnly`, only active, non-deleted users match. Undefined when none matches.
     */
    async findByReference(teamId: string, reference: string, options: { activeOnly: boolean }): Promise<{ id: string } | undefined> {
      let live = db.kysely.selectFrom('users').select('users.id').where('users.team_id', '=', teamId);
      if (options.activeOnly) live = live.where('users.is_active', '=', 1).where('users.is_deleted', '=', 0);
      if (isUuid(String(reference))) return live.where('users.id', '=', reference.toLowerCase()).executeTakeFirst();
      const byName = await live.where('users.username', '=', reference).executeTakeFirst();
      if (byName || !reference.includes('@')) return byName;
      return live.innerJoin('user_emails', 'user_emails.user_id', 'users.id')
        .where('user_emails.normalized_email', '=', reference.trim().toLowerCase()).executeTakeFirst();
    },

    /** Which of these ids are users of the team (deleted ones included: old values stay valid). */
    async existingIds(teamId: string, ids: readonly string[]): Promise<Set<string>> {
      if (ids.length === 0) return new Set();
      const rows = await db.kysely.selectFrom('users').select('id').where('team_id', '=', teamId).where('id', 'in', [...ids]).execute();
      return new Set(rows.map((r) => r.id));
    },

    async idsByUsername(teamId: string, usernames: readonly string[]): Promise<Map<string, string>> {
      if (usernames.length === 0) return new Map();
      const rows = await db.kysely.selectFrom('users').select(['id', 'username']).where('team_id', '=', teamId)
        .where('username', 'in', [...usernames]).where('is_deleted', '=', 0).execute();
      return new Map(rows.map((r) => [r.username, r.id]));
    },

    /** Who reports to whom, for visibility by the reportee chain. */
    async managerLinks(teamId: string): Promise<{ id: string; manager_id: string | null }[]> {
      return db.kysely.selectFrom('users').select(['id', 'manager_id']).where('team_id', '=', teamId).execute();
    },

    /** The team's oldest active user that is not a service account (who background writes act as). */
    async oldestActiveMember(teamId: string): Promise<{ id: string; role_id: string | null } | undefined> {
      return db.kysely.selectFrom('users').select(['id', 'role_id']).where('team_id', '=', teamId)
        .where('is_active', '=', 1).where('is_deleted', '=', 0).where('is_service_account', '=', 0)
        .orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
    },

    async listAll(teamId: string): Promise<UserRow[]> {
      const rows = await db.kysely.selectFrom('users').selectAll().where('team_id', '=', teamId).orderBy('created_at').orderBy('id').execute();
      return rows.map(readUser);
    },

    async insert(row: UserInsert): Promise<void> {
      await db.kysely.insertInto('users').values({ ...row, data: json(row.data), onboarding_data: json(row.onboarding_data) }).execute();
    },

    async update(teamId: string, userId: string, changes: Partial<Omit<UserInsert, 'id' | 'team_id' | 'created_at'>>): Promise<void> {
      const set: Record<string, unknown> = { ...changes };
      if ('data' in changes) set.data = json(changes.data);
      if ('onboarding_data' in changes) set.onboarding_data = json(changes.onboarding_data);
      await db.kysely.updateTable('users').set(set).where('team_id', '=', teamId).where('id', '=', userId).execute();
    },

    async listEmails(teamId: string): Promise<UserEmailRow[]> {
      return db.kysely.selectFrom('user_emails').selectAll().where('team_id', '=', teamId).execute();
    },

    async insertEmail(row: UserEmailRow): Promise<void> {
      await db.kysely.insertInto('user_emails').values(row).execute();
    },

    async deleteEmails(teamId: string, userId: string): Promise<void> {
      await db.kysely.deleteFrom('user_emails').where('team_id', '=', teamId).where('user_id', '=', userId).execute();
    },

    async insertPhone(row: UserPhoneRow): Promise<void> {
      await db.kysely.insertInto('user_phones').values(row).execute();
    },

    async findPhone(teamId: string, userId: string, phone: string): Promise<UserPhoneRow | undefined> {
      return db.kysely.selectFrom('user_phones').selectAll().where('team_id', '=', teamId).where('user_id', '=', userId).where('phone', '=', phone).executeTakeFirst();
    },

    async replacePods(teamId: string, userId: string, podIds: readonly string[]): Promise<void> {
      await db.kysely.deleteFrom('user_pods').where('team_id', '=', teamId).where('user_id', '=', userId).execute();
      if (podIds.length > 0) {
        await db.kysely.insertInto('user_pods').values(podIds.map((pod_id) => ({ team_id: teamId, user_id: userId, pod_id }))).execute();
      }
    },
  };
}

export type UsersRepo = ReturnType<typeof createUsersRepo>;
