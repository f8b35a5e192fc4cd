import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database, RolesTable } from '../../db/schema.ts';

/** The tables that hold a team's configuration objects; all share `id` and `team_id`. */
export const CONFIG_TABLES = [
  'roles', 'pods', 'task_types', 'entities', 'procedures', 'states',
  'attributes', 'derived_attributes', 'attribute_groups', 'state_tasks',
] as const;
export type ConfigTable = (typeof CONFIG_TABLES)[number];
export type ConfigRow<T extends ConfigTable> = Selectable<Database[T]>;

/** Every config object of a team, read in one go (config is small; a team has hundreds). */
export type TeamConfigState = { [T in ConfigTable]: ConfigRow<T>[] };

/* Kysely cannot type a query over a union of table names; each method narrows it back. */
type AnyTable = Kysely<Record<string, { id: string; team_id: string; created_at: number }>>;

export function createConfigObjectsRepo(db: Db) {
  const q = db.kysely as unknown as AnyTable;
  return {
    async list<T extends ConfigTable>(table: T, teamId: string): Promise<ConfigRow<T>[]> {
      const rows = await q.selectFrom(table as string).selectAll().where('team_id', '=', teamId).orderBy('created_at').orderBy('id').execute();
      return rows as unknown as ConfigRow<T>[];
    },
    async loadState(teamId: string): Promise<TeamConfigState> {
      const lists = await Promise.all(CONFIG_TABLES.map((table) => this.list(table, teamId)));
      return Object.fromEntries(CONFIG_TABLES.map((table, i) => [table, lists[i]])) as unknown as TeamConfigState;
    },
    async insert<T extends ConfigTable>(table: T, row: Insertable<Database[T]>): Promise<void> {
      await q.insertInto(table as string).values(row as never).execute();
    },
    async update<T extends ConfigTable>(table: T, teamId: string, id: string, changes: Updateable<Database[T]>): Promise<void> {
      await q.updateTable(table as string).set(changes as never).where('team_id', '=', teamId).where('id', '=', id).execute();
    },
    async remove(table: ConfigTable, teamId: string, id: string): Promise<void> {
      await q.deleteFrom(table as string).where('team_id', '=', teamId).where('id', '=', id).execute();
    },
    /** A role by shortId or by UUID (API bodies and the CLI accept both). */
    async findRole(teamId: string, shortIdOrId: string): Promise<RolesTable | undefined> {
      return db.kysely.selectFrom('roles').selectAll().where('team_id', '=', teamId)
        .where((eb) => eb.or([eb('short_id', '=', shortIdOrId), eb('id', '=', shortIdOrId)]))
        .executeTakeFirst();
    },
  };
}

export type ConfigObjectsRepo = ReturnType<typeof createConfigObjectsRepo>;
