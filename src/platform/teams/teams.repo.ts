import type { Db } from '../../db/database.ts';
import type { TeamsTable } from '../../db/schema.ts';

export type TeamRow = TeamsTable;

/** Teams are the tenants; these lookups are what every other query gets its team id from. */
export function createTeamsRepo(db: Db) {
  return {
    async findBySlug(slug: string): Promise<TeamRow | undefined> {
      return db.kysely.selectFrom('teams').selectAll().where('slug', '=', slug).executeTakeFirst();
    },
    async findById(teamId: string): Promise<TeamRow | undefined> {
      return db.kysely.selectFrom('teams').selectAll().where('id', '=', teamId).executeTakeFirst();
    },
    async insert(row: TeamRow): Promise<void> {
      await db.kysely.insertInto('teams').values(row).execute();
    },
    async update(teamId: string, changes: Partial<Omit<TeamRow, 'id' | 'created_at'>>): Promise<void> {
      await db.kysely.updateTable('teams').set(changes).where('id', '=', teamId).execute();
    },
    async count(): Promise<number> {
      const row = await db.kysely.selectFrom('teams').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

export type TeamsRepo = ReturnType<typeof createTeamsRepo>;
