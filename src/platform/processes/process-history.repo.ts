import type { Db } from '../../db/database.ts';
import type { ProcessHistoryTable } from '../../db/schema.ts';

export type HistoryEntry = Omit<ProcessHistoryTable, 'changes'> & { changes: Record<string, unknown> };

/** Every write to a process appends one entry: who, when, what changed (API.md §3). */
export function createProcessHistoryRepo(db: Db) {
  return {
    async append(entry: HistoryEntry): Promise<void> {
      await db.kysely.insertInto('process_history').values({ ...entry, changes: JSON.stringify(entry.changes) }).execute();
    },
    async appendMany(entries: readonly HistoryEntry[]): Promise<void> {
      for (let i = 0; i < entries.length; i += 200) {
        await db.kysely.insertInto('process_history').values(entries.slice(i, i + 200).map((e) => ({ ...e, changes: JSON.stringify(e.changes) }))).execute();
      }
    },
    async list(teamId: string, processId: string, skip: number, limit: number): Promise<{ entries: HistoryEntry[]; hasMore: boolean }> {
      const rows = await db.kysely.selectFrom('process_history').selectAll()
        .where('team_id', '=', teamId).where('process_id', '=', processId)
        .orderBy('created_at', 'asc').orderBy('id', 'asc').limit(limit + 1).offset(skip).execute();
      const entries = rows.slice(0, limit).map((r) => ({ ...r, changes: (db.dialect.readJson(r.changes) as Record<string, unknown>) ?? {} }));
      return { entries, hasMore: rows.length > limit };
    },
  };
}
