import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Db } from '../../db/database.ts';
import type { EntryCompletionStatus } from '../../db/schema.ts';
import { LeaseLostError, type JobContext, type JobOutcome } from '../../jobs/index.ts';
import type { Logger } from '../../shared/logger.ts';
import type { Clock } from '../../shared/time.ts';
import type { TeamModelCache } from '../procedures/team-model-cache.ts';
import { createMany, procedureTable, updateMany, type UpdateItem, type WriteOutcome, type WriterDeps, type WriteScope } from '../processes/index.ts';
import { createBackgroundJobsRepo, statusMessage, type EntryResult, type EntryRow } from '../background-jobs/index.ts';
import { changeOf, isObject, targetOf } from './bulk-items.ts';
import type { PartitionPayload } from './bulk.service.ts';

export interface ProcessorDeps extends WriterDeps {
  readonly db: Db;
  readonly models: TeamModelCache;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** Entries applied per transaction: large enough to amortise commits, small enough to keep locks short. */
const BATCH_SIZE = 500;

/** Where a run of a partition has got to (entries up to this index are settled). */
interface Cursor {
  after: number;
}
const FINISHED = ['SUCCESS', 'CANCELLED', 'ERROR'];

const invalid = (entry: EntryRow, message: string): EntryResult => ({
  id: entry.id, completion_status: 'INVALID', validation_status: 'ERROR', validation_message: message, completion_message: '', process_id: null,
});
const failed = (entry: EntryRow, message: string): EntryResult => ({
  id: entry.id, completion_status: 'ERROR', validation_status: 'SUCCESS', validation_message: '', completion_message: message, process_id: null,
});
const succeeded = (entry: EntryRow, processId: string): EntryResult => ({
  id: entry.id, completion_status: 'SUCCESS', validation_status: 'SUCCESS', validation_message: '', completion_message: '', process_id: processId,
});

/**
 * Applies one partition of a bulk job: its NOT_STARTED entries in index order, a batch per
 * transaction, each entry's effect and its status committed together — so a crash re-runs only
 * what did not commit, and nothing is applied twice. Every batch first renews the engine lease in
 * the same transaction: a worker whose lease was taken over cannot commit.
 */
export function createBulkProcessor(deps: ProcessorDeps) {
  const { db, clock, logger } = deps;

  /** An entry's result from the writer's outcome: a broken rule (400) is INVALID, anything else ERROR. */
  const resultOf = (entry: EntryRow, outcome: WriteOutcome): EntryResult => {
    if (outcome.ok) return succeeded(entry, outcome.row.id);
    const message = outcome.error.messages.join('; ');
    return outcome.error.status === 400 ? invalid(entry, message) : failed(entry, message);
  };

  /** Bulk Create: the entries' bodies through the processes writer, as one batch. */
  async function applyCreates(scope: WriteScope, entries: readonly EntryRow[]): Promise<EntryResult[]> {
    const outcomes = await createMany(deps, scope, entries.map((e) => e.api_data));
    return entries.map((entry, i) => resultOf(entry, outcomes[i]));
  }

  /** Bulk Update: items read here (their format is bulk's), applied by the processes writer in order. */
  async function applyUpdates(scope: WriteScope, entries: readonly EntryRow[]): Promise<EntryResult[]> {
    const results: (EntryResult | null)[] = [];
    const items: UpdateItem[] = [];
    const pk = scope.procedure.primaryKey?.shortId;
    for (const entry of entries) {
      const item = entry.api_data;
      const target = isObject(item) ? targetOf(item, scope.procedure) : null;
      if (!isObject(item)) results.push(invalid(entry, 'item: expected an object'));
      else if (!target) results.push(invalid(entry, `item has no identifier: give "id"${pk ? ` or "${pk}"` : ''}`));
      else {
        const { change, isDeleted } = changeOf(item, scope.procedure);
        if (isDeleted !== undefined && typeof isDeleted !== 'boolean') results.push(invalid(entry, 'isDeleted: expected true or false'));
        else {
          results.push(null);
          items.push({ target, change, isDeleted: isDeleted as boolean | undefined });
        }
      }
    }
    const outcomes = await updateMany(deps, scope, items);
    let next = 0;
    return entries.map((entry, i) => results[i] ?? resultOf(entry, outcomes[next++]));
  }

  async function saveBatch(tx: Db, jobId: string, results: readonly EntryResult[]): Promise<void> {
    const repo = createBackgroundJobsRepo(tx);
    const now = clock();
    await repo.saveResults(results, now);
    const deltas: Partial<Record<EntryCompletionStatus, number>> = { NOT_STARTED: -results.length };
    for (const r of results) deltas[r.completion_status] = (deltas[r.completion_status] ?? 0) + 1;
    await repo.adjustCounters(jobId, deltas, now);
  }

  /**
   * One batch in one transaction; returns how many entries it settled (0: partition done).
   * `cursor.after` is the last index settled by this run, moved only once its batch committed.
   */
  async function runBatch(payload: PartitionPayload, ctx: JobContext, oneAtATime: boolean, cursor: Cursor): Promise<number> {
    // Loaded before the transaction: a cold cache reads through the root handle, which refuses
    // queries from inside a transaction (db/database.ts).
    const team = await deps.models.get(payload.teamId);
    return db.transaction(async (tx) => {
      if (!(await ctx.heartbeat(tx))) throw new LeaseLostError('lease lost');
      const repo = createBackgroundJobsRepo(tx);
      const job = await repo.findJob(payload.teamId, payload.backgroundJobId);
      if (!job || FINISHED.includes(job.completion_status)) return [];
      const entries = await repo.nextBatch(job.id, payload.partition, cursor.after, oneAtATime ? 1 : BATCH_SIZE);
      if (entries.length === 0) return [];
      if (job.completion_status === 'NOT_STARTED') {
        await repo.updateJob(job.id, { completion_status: 'IN_PROGRESS', started_at: clock(), updated_at: clock() }, ['NOT_STARTED']);
      }
      const procedure = team.procedures.get(job.procedure_id);
      if (!procedure) throw new Error(`procedure ${job.procedure_id} no longer exists`);
      const scope: WriteScope = { tx, team, procedure, principal: payload.principal };
      const results = job.api_type === 'process:ext-create' ? await applyCreates(scope, entries) : await applyUpdates(scope, entries);
      await saveBatch(tx, job.id, results);
      return entries;
    }).then((entries) => settle(cursor, entries));
  }

  /** Moves the cursor past a committed batch; returns how many entries it settled. */
  function settle(cursor: Cursor, entries: readonly EntryRow[]): number {
    if (entries.length > 0) cursor.after = entries[entries.length - 1].idx;
    return entries.length;
  }

  /**
   * An unexpected failure (not a rule the entry broke) rolls the whole batch back; the batch is
   * then retried entry by entry, so one bad entry cannot hold the others back forever.
   */
  async function runBatchSafely(payload: PartitionPayload, ctx: JobContext, cursor: Cursor): Promise<number> {
    try {
      return await runBatch(payload, ctx, false, cursor);
    } catch (error: unknown) {
      if (error instanceof LeaseLostError) throw error;
      logger.warn({ err: error, backgroundJob: payload.backgroundJobId }, 'bulk batch failed; retrying its entries one at a time');
      return isolateFailingEntry(payload, ctx, cursor);
    }
  }

  async function isolateFailingEntry(payload: PartitionPayload, ctx: JobContext, cursor: Cursor): Promise<number> {
    try {
      return await runBatch(payload, ctx, true, cursor);
    } catch (error: unknown) {
      if (error instanceof LeaseLostError) throw error;
      logger.error({ err: error, backgroundJob: payload.backgroundJobId }, 'bulk entry could not be applied');
      return db.transaction(async (tx) => {
        const repo = createBackgroundJobsRepo(tx);
        const entries = await repo.nextBatch(payload.backgroundJobId, payload.partition, cursor.after, 1);
        if (entries.length > 0) await saveBatch(tx, payload.backgroundJobId, [failed(entries[0], 'could not be applied because of an internal error; see the server log')]);
        return entries;
      }).then((entries) => settle(cursor, entries));
    }
  }

  /**
   * The last partition to finish marks the job SUCCESS (every entry reached a final status);
   * returns the job's procedure id when it did.
   */
  async function finalize(payload: PartitionPayload): Promise<string | null> {
    return db.transaction(async (tx) => {
      const repo = createBackgroundJobsRepo(tx);
      const job = await repo.findJob(payload.teamId, payload.backgroundJobId);
      if (!job || FINISHED.includes(job.completion_status) || job.count_not_started > 0 || job.count_in_progress > 0) return null;
      const now = clock();
      const finished = await repo.updateJob(job.id, { completion_status: 'SUCCESS', completed_at: now, updated_at: now, status_message: statusMessage(job), started_at: job.started_at || now }, ['NOT_STARTED', 'IN_PROGRESS']);
      return finished ? job.procedure_id : null;
    });
  }

  return {
    async handle(raw: unknown, ctx: JobContext): Promise<JobOutcome> {
      const payload = raw as PartitionPayload;
      let settled = 0;
      const cursor: Cursor = { after: -1 };
      const log = { backgroundJob: payload.backgroundJobId, partition: payload.partition, workerId: ctx.workerId };
      for (;;) {
        if (ctx.signal.aborted) {
          logger.info({ ...log, entries: settled }, 'bulk partition released (worker stopping)');
          return 'yield';
        }
        const n = await runBatchSafely(payload, ctx, cursor);
        if (n === 0) break;
        settled += n;
        // node:sqlite answers synchronously, so without this the loop would never let the
        // event loop read sockets or signals until the whole partition was done.
        await yieldToEventLoop();
      }
      const jobFinished = await finalize(payload);
      logger.info({ ...log, entries: settled }, 'bulk partition finished');
      // A bulk import can change a procedure's size many times over: refresh the planner's view.
      // Housekeeping, not part of the job: it may wait behind a running autovacuum.
      if (jobFinished) void db.dialect.refreshStatistics(db.kysely, [procedureTable(jobFinished), 'background_job_entries']).catch((error: unknown) => logger.warn({ err: error }, 'refreshing statistics failed'));
      return 'done';
    },

    /** The engine gave up on a partition: the job could not run to the end. */
    async onFailed(raw: unknown, error: string, tx: Db): Promise<void> {
      const payload = raw as PartitionPayload;
      const now = clock();
      await createBackgroundJobsRepo(tx).updateJob(payload.backgroundJobId, {
        completion_status: 'ERROR', completed_at: now, updated_at: now, status_message: `The job could not run to the end: ${error}`,
      }, ['NOT_STARTED', 'IN_PROGRESS']);
    },
  };
}

export type BulkProcessor = ReturnType<typeof createBulkProcessor>;
