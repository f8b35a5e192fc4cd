import type { Db } from '../../db/database.ts';
import type { ProcedureModel } from '../procedures/procedure-model.ts';
import { createProcessHistoryRepo, type HistoryEntry } from './process-history.repo.ts';
import { createProcessesRepo, type ProcessChanges, type ProcessRow } from './processes.repo.ts';
import * as errors from './processes.errors.ts';

/**
 * Where an update's writes go. Update Process writes each at once; a batch (Bulk Update) keeps
 * them and writes them set-based — one UPDATE per group of rows changing the same columns, one
 * multi-row INSERT of history — when it ends, or earlier when a rule must read the database as
 * the batch left it (`settle`).
 */
export interface ProcessWrites {
  /** The process went from `before` to `row`. */
  change(row: ProcessRow, before: ProcessRow): Promise<void>;
  history(entry: HistoryEntry): Promise<void>;
  /** Makes everything kept so far visible to the transaction's reads. */
  settle(): Promise<void>;
}

/** The columns whose value differs: each column written rewrites the index entries holding it. */
export function changedColumns(before: ProcessRow, after: ProcessRow): ProcessChanges {
  const changes: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(after) as [keyof ProcessRow, unknown][]) {
    if (column === 'id' || column === 'team_id' || column === 'procedure_id') continue;
    const old = before[column];
    const same = typeof value === 'object' && value !== null ? JSON.stringify(value) === JSON.stringify(old) : value === old;
    if (!same) changes[column] = value;
  }
  return changes as ProcessChanges;
}

/** A primary key taken by another process between the check and the write is that write's 409. */
export function takenKey(error: unknown, tx: Db, procedure: ProcedureModel, pkValue: string | null): unknown {
  const pk = procedure.primaryKey;
  return tx.dialect.isUniqueViolation(error) && pk ? errors.primaryKeyTaken(pk.shortId, pkValue ?? '', procedure.shortId) : error;
}

export function immediateWrites(tx: Db, procedure: ProcedureModel): ProcessWrites {
  return {
    async change(row, before) {
      try {
        await createProcessesRepo(tx).update(row.team_id, row.procedure_id, row.id, changedColumns(before, row));
      } catch (error: unknown) {
        throw takenKey(error, tx, procedure, row.pk_value);
      }
    },
    history: (entry) => createProcessHistoryRepo(tx).append(entry),
    settle: async () => undefined,
  };
}

/** Keeps a batch's writes; `settle` writes them. A failure then fails the whole batch, as it comes. */
export function batchedWrites(tx: Db, procedure: ProcedureModel): ProcessWrites {
  const rows = new Map<string, { first: ProcessRow; last: ProcessRow }>();
  let history: HistoryEntry[] = [];
  return {
    async change(row, before) {
      const kept = rows.get(row.id);
      rows.set(row.id, { first: kept?.first ?? before, last: row });
    },
    async history(entry) {
      history.push(entry);
    },
    async settle() {
      const changed = [...rows.values()].map(({ first, last }) => ({ id: last.id, teamId: last.team_id, changes: changedColumns(first, last), pk: last.pk_value }));
      const entries = history;
      rows.clear();
      history = [];
      if (changed.length > 0) await createProcessesRepo(tx).updateMany(changed[0].teamId, procedure.id, changed);
      await createProcessHistoryRepo(tx).appendMany(entries);
    },
  };
}
