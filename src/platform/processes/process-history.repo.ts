import type { Db } from '../../db/database.ts';
import { preparedInsert } from '../../db/prepared.ts';
import type { ProcessHistoryTable } from '../../db/schema.ts';

export type HistoryEntry = Omit<ProcessHistoryTable, 'changes'> & { changes: Record<string, unknown> };

/** Built once, only re-bound (db/prepared.ts): every write to a process appends here. */
const insertRows = preparedInsert('process_history', ['id', 'team_id', 'process_id', 'user_id', 'action', 'changes', 'created_at']);
const stored = (entry: HistoryEntry) => ({ ...entry, changes: JSON.stringify(entry.changes) });

/** Every write to a process appends one entry: who, when, what changed (API.md §3). */
export function createProcessHistoryRepo(db: Db) {
  return {
    async append(entry: HistoryEntry): Promise<void> {
      await insertRows(db, [stored(entry)]);
    },
    async appendMany(entries: readonly HistoryEntry[]): Promise<void> {
      for (let i = 0; i < entries.length; i += 200) await insertRows(db, entries.slice(i, i + 200).map(stored));
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
