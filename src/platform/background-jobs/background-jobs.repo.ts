import { sql, type Selectable } from 'kysely';
import type { Db } from '../../db/database.ts';
import { preparedInsert } from '../../db/prepared.ts';
import type { BackgroundJobEntriesTable, BackgroundJobsTable, EntryCompletionStatus, JobCompletionStatus } from '../../db/schema.ts';

export type BackgroundJobRow = Selectable<BackgroundJobsTable>;
export type EntryRow = Omit<Selectable<BackgroundJobEntriesTable>, 'api_data'> & { api_data: unknown };
export type EntryInsert = EntryRow;

/** The counter column of each entry status. */
export const COUNTER: Record<EntryCompletionStatus, keyof BackgroundJobRow & `count_${string}`> = {
  INVALID: 'count_invalid',
  NOT_STARTED: 'count_not_started',
  IN_PROGRESS: 'count_in_progress',
  SUCCESS: 'count_success',
  ERROR: 'count_error',
  CANCELLED: 'count_cancelled',
};

/** Rows per multi-row INSERT: well under both databases' bound-parameter limits. */
const INSERT_CHUNK = 500;
const RESULT_CHUNK = 300;

export interface EntryResult {
  id: string;
  completion_status: EntryCompletionStatus;
  validation_status: EntryRow['validation_status'];
  validation_message: string;
  completion_message: string;
  process_id: string | null;
}

export interface JobFilter {
  readonly status: JobCompletionStatus | undefined;
  /** Only jobs created by this user; null for every job of the team. */
  readonly createdBy: string | null;
}

const insertEntryRows = preparedInsert('background_job_entries', [
  'id', 'team_id', 'background_job_id', 'idx', 'partition', 'api_data', 'validation_status', 'validation_message',
  'completion_status', 'completion_message', 'process_id', 'created_by', 'created_at', 'updated_at',
]);

export function createBackgroundJobsRepo(db: Db) {
  const readEntry = (row: Selectable<BackgroundJobEntriesTable>): EntryRow => ({ ...row, api_data: db.dialect.readJson(row.api_data) });
  const q = db.kysely;
  return {
    async insertJob(row: BackgroundJobRow): Promise<void> {
      await q.insertInto('background_jobs').values(row).execute();
    },

    /** Entries are written with multi-row INSERTs, a few hundred rows per statement. */
    async insertEntries(rows: readonly EntryInsert[]): Promise<void> {
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        await insertEntryRows(db, rows.slice(i, i + INSERT_CHUNK).map((r) => ({ ...r, api_data: JSON.stringify(r.api_data) })));
      }
    },

    /** `createdBy` (when not null) narrows the lookup to the jobs that user created. */
    async findJob(teamId: string, id: string, createdBy: string | null = null): Promise<BackgroundJobRow | undefined> {
      return q.selectFrom('background_jobs').selectAll().where('team_id', '=', teamId).where('id', '=', id)
        .$if(createdBy !== null, (query) => query.where('created_by', '=', createdBy))
        .executeTakeFirst();
    },

    /** Filtered in SQL, so `hasMore` and paging count only the jobs the caller may list. */
    async listJobs(teamId: string, filter: JobFilter, skip: number, limit: number): Promise<{ rows: BackgroundJobRow[]; hasMore: boolean }> {
      let query = q.selectFrom('background_jobs').selectAll().where('team_id', '=', teamId);
      if (filter.status) query = query.where('completion_status', '=', filter.status);
      if (filter.createdBy !== null) query = query.where('created_by', '=', filter.createdBy);
      const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).offset(skip).execute();
      return { rows: rows.slice(0, limit), hasMore: rows.length > limit };
    },

    async listEntries(teamId: string, jobId: string, status: EntryCompletionStatus | undefined, skip: number, limit: number): Promise<EntryRow[]> {
      let query = q.selectFrom('background_job_entries').selectAll().where('team_id', '=', teamId).where('background_job_id', '=', jobId);
      if (status) query = query.where('completion_status', '=', status);
      return (await query.orderBy('idx').limit(limit).offset(skip).execute()).map(readEntry);
    },

    /**
     * The next NOT_STARTED entries of one partition after index `afterIdx`, in request order,
     * locked for this batch. The cursor keeps each batch from re-reading the entries already
     * settled, and lets the index leave out the status (which every batch changes).
     */
    async nextBatch(jobId: string, partition: number, afterIdx: number, size: number): Promise<EntryRow[]> {
      const { rows } = await sql<Selectable<BackgroundJobEntriesTable>>`
        select * from background_job_entries
        where background_job_id = ${jobId} and partition = ${partition} and idx > ${afterIdx} and completion_status = 'NOT_STARTED'
        order by idx limit ${size} ${db.dialect.forUpdate}`.execute(q);
      return rows.map(readEntry);
    },

    async entriesWithStatus(teamId: string, jobId: string, status: EntryCompletionStatus): Promise<EntryRow[]> {
      return (await q.selectFrom('background_job_entries').selectAll().where('team_id', '=', teamId)
        .where('background_job_id', '=', jobId).where('completion_status', '=', status).orderBy('idx').execute()).map(readEntry);
    },

    /**
     * Records each entry's outcome, a few hundred entries per statement (an UPDATE … FROM a
     * VALUES list, which both databases run). Only entries still NOT_STARTED change.
     */
    async saveResults(results: readonly EntryResult[], now: number): Promise<void> {
      for (let i = 0; i < results.length; i += RESULT_CHUNK) {
        const values = results.slice(i, i + RESULT_CHUNK).map((r) =>
          sql`(${r.id}, ${r.completion_status}, ${r.validation_status}, ${r.validation_message}, ${r.completion_message}, ${r.process_id})`);
        await sql`
          with v(id, cs, vs, vm, cm, pid) as (values ${sql.join(values)})
          update background_job_entries
          set completion_status = v.cs, validation_status = v.vs, validation_message = v.vm, completion_message = v.cm,
              process_id = v.pid, updated_at = ${now}
          from v
          where background_job_entries.id = v.id and background_job_entries.completion_status = 'NOT_STARTED'`.execute(q);
      }
    },

    /** Moves counters by the given deltas, in the transaction that changed the entries. */
    async adjustCounters(jobId: string, deltas: Partial<Record<EntryCompletionStatus, number>>, now: number): Promise<void> {
      const set: Record<string, unknown> = { updated_at: now };
      for (const [status, delta] of Object.entries(deltas) as [EntryCompletionStatus, number][]) {
        if (delta !== 0) set[COUNTER[status]] = sql`${sql.ref(COUNTER[status])} + ${delta}`;
      }
      await q.updateTable('background_jobs').set(set).where('id', '=', jobId).execute();
    },

    async updateJob(jobId: string, changes: Partial<BackgroundJobRow>, onlyIfStatusIn?: readonly JobCompletionStatus[]): Promise<boolean> {
      let query = q.updateTable('background_jobs').set(changes).where('id', '=', jobId);
      if (onlyIfStatusIn) query = query.where('completion_status', 'in', [...onlyIfStatusIn]);
      return Number((await query.executeTakeFirst()).numUpdatedRows) === 1;
    },

    /** Cancels what has not started; returns how many entries that was. */
    async cancelNotStarted(jobId: string, now: number): Promise<number> {
      const result = await q.updateTable('background_job_entries').set({ completion_status: 'CANCELLED', updated_at: now })
        .where('background_job_id', '=', jobId).where('completion_status', '=', 'NOT_STARTED').executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    /** Finished jobs completed before `before`, with their entries. */
    async purgeFinished(before: number): Promise<number> {
      const old = await q.selectFrom('background_jobs').select('id').where('completed_at', '>', 0).where('completed_at', '<', before).execute();
      for (const { id } of old) {
        await q.deleteFrom('background_job_entries').where('background_job_id', '=', id).execute();
        await q.deleteFrom('background_jobs').where('id', '=', id).execute();
      }
      return old.length;
    },
  };
}

export type BackgroundJobsRepo = ReturnType<typeof createBackgroundJobsRepo>;
