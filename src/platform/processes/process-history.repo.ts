import type { Db } from '../../db/database.ts';
import { preparedQuery } from '../../db/prepared.ts';
import type { ProcessHistoryTable } from '../../db/schema.ts';

export type HistoryEntry = Omit<ProcessHistoryTable, 'changes'> & { changes: Record<string, unknown> };

/** One entry per single write: built once, only re-bound (db/prepared.ts). */
const insertOne = preparedQuery((k, p) => k.insertInto('process_history').values({
  id: p(0), team_id: p(1), process_id: p(2), user_id: p(3), action: p(4), changes: p(5), created_at: p(6),
}));

/** Every write to a process appends one entry: who, when, what changed (API.md §3). */
export function createProcessHistoryRepo(db: Db) {
  return {
    async append(entry: HistoryEntry): Promise<void> {
      await insertOne(db, [entry.id, entry.team_id, entry.process_id, entry.user_id, entry.action, JSON.stringify(entry.changes), entry.created_at]);
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
