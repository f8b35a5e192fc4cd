import type { Selectable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { TasksTable } from '../../db/schema.ts';

export type TaskRow = Omit<Selectable<TasksTable>, 'data' | 'derived_data'> & {
  data: Record<string, unknown>;
  derived_data: Record<string, unknown>;
};

const toJson = (value: unknown): string => JSON.stringify(value ?? {});

export function createTasksRepo(db: Db) {
  const read = (row: Selectable<TasksTable>): TaskRow => ({
    ...row,
    data: (db.dialect.readJson(row.data) as Record<string, unknown>) ?? {},
    derived_data: (db.dialect.readJson(row.derived_data) as Record<string, unknown>) ?? {},
  });
  return {
    async insert(row: TaskRow): Promise<void> {
      await db.kysely.insertInto('tasks').values({ ...row, data: toJson(row.data), derived_data: toJson(row.derived_data) }).execute();
    },
    async update(teamId: string, id: string, changes: Partial<Omit<TaskRow, 'id' | 'team_id'>>): Promise<void> {
      const set: Record<string, unknown> = { ...changes };
      if (changes.data !== undefined) set.data = toJson(changes.data);
      if (changes.derived_data !== undefined) set.derived_data = toJson(changes.derived_data);
      await db.kysely.updateTable('tasks').set(set).where('team_id', '=', teamId).where('id', '=', id).execute();
    },
    /**
     * A live task by id. `forUpdate` locks the row until the transaction ends (PostgreSQL), so a
     * read-merge-write of its data cannot lose a concurrent writer's change.
     */
    async findLive(teamId: string, id: string, options: { forUpdate?: boolean } = {}): Promise<TaskRow | undefined> {
      const row = await db.kysely.selectFrom('tasks').selectAll().where('team_id', '=', teamId).where('id', '=', id).where('is_deleted', '=', 0)
        .$if(options.forUpdate === true, (q) => q.modifyEnd(db.dialect.forUpdate))
        .executeTakeFirst();
      return row ? read(row) : undefined;
    },
    /** A process's tasks, newest first. */
    async listByProcess(teamId: string, processId: string, skip: number, limit: number): Promise<{ rows: TaskRow[]; hasMore: boolean }> {
      const rows = await db.kysely.selectFrom('tasks').selectAll()
        .where('team_id', '=', teamId).where('process_id', '=', processId).where('is_deleted', '=', 0)
        .orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).offset(skip).execute();
      return { rows: rows.slice(0, limit).map(read), hasMore: rows.length > limit };
    },
    async existingIds(teamId: string, ids: readonly string[]): Promise<Set<string>> {
      if (ids.length === 0) return new Set();
      const rows = await db.kysely.selectFrom('tasks').select('id').where('team_id', '=', teamId).where('id', 'in', [...ids]).where('is_deleted', '=', 0).execute();
      return new Set(rows.map((r) => r.id));
    },
  };
}

export type TasksRepo = ReturnType<typeof createTasksRepo>;
