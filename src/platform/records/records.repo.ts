import { sql, type Selectable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { RecordsTable } from '../../db/schema.ts';

export type RecordRow = Omit<Selectable<RecordsTable>, 'data' | 'derived_data'> & {
  data: Record<string, unknown>;
  derived_data: Record<string, unknown>;
};

export function createRecordsRepo(db: Db) {
  const read = (row: Selectable<RecordsTable>): RecordRow => ({
    ...row,
    data: (db.dialect.readJson(row.data) as Record<string, unknown>) ?? {},
    derived_data: (db.dialect.readJson(row.derived_data) as Record<string, unknown>) ?? {},
  });
  return {
    async findById(teamId: string, id: string): Promise<RecordRow | undefined> {
      const row = await db.kysely.selectFrom('records').selectAll().where('team_id', '=', teamId).where('id', '=', id).executeTakeFirst();
      return row ? read(row) : undefined;
    },
    /** Locks the row until the transaction ends: its data is merged and written back. */
    async findLiveByPk(teamId: string, entityId: string, pkValue: string): Promise<RecordRow | undefined> {
      const row = await db.kysely.selectFrom('records').selectAll()
        .where('team_id', '=', teamId).where('entity_id', '=', entityId).where('pk_value', '=', pkValue).where('is_deleted', '=', 0)
        .modifyEnd(db.dialect.forUpdate)
        .executeTakeFirst();
      return row ? read(row) : undefined;
    },
    /**
     * Inserts unless a live record already holds the primary-key value (another transaction may
     * have just created it); returns whether the row was inserted.
     */
    async insertUnlessPkTaken(row: RecordRow): Promise<boolean> {
      const { rows } = await sql<{ id: string }>`
        insert into records (id, team_id, entity_id, data, derived_data, pk_value, created_by, is_deleted, deleted_at, created_at, updated_at)
        values (${row.id}, ${row.team_id}, ${row.entity_id}, ${JSON.stringify(row.data)}, ${JSON.stringify(row.derived_data)}, ${row.pk_value},
                ${row.created_by}, ${row.is_deleted}, ${row.deleted_at}, ${row.created_at}, ${row.updated_at})
        on conflict (entity_id, pk_value) where is_deleted = 0 and pk_value is not null do nothing
        returning id`.execute(db.kysely);
      return rows.length === 1;
    },
    async updateData(teamId: string, id: string, data: Record<string, unknown>, updatedAt: number): Promise<void> {
      await db.kysely.updateTable('records').set({ data: JSON.stringify(data), updated_at: updatedAt })
        .where('team_id', '=', teamId).where('id', '=', id).execute();
    },
    async existingIds(teamId: string, ids: readonly string[]): Promise<Set<string>> {
      if (ids.length === 0) return new Set();
      const rows = await db.kysely.selectFrom('records').select('id').where('team_id', '=', teamId).where('id', 'in', [...ids]).where('is_deleted', '=', 0).execute();
      return new Set(rows.map((r) => r.id));
    },
  };
}

export type RecordsRepo = ReturnType<typeof createRecordsRepo>;
