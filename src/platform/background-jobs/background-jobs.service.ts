import type { Db } from '../../db/database.ts';
import type { EntryCompletionStatus, JobCompletionStatus } from '../../db/schema.ts';
import type { Principal } from '../../http/auth.ts';
import { AppError, badRequest, conflict, notFound } from '../../shared/errors.ts';
import { isUuid } from '../../shared/ids.ts';
import type { Clock } from '../../shared/time.ts';
import { createBackgroundJobsRepo, type BackgroundJobRow } from './background-jobs.repo.ts';
import { countsOf, ENTRY_STATUSES, statusMessage, toEntryWire, toJobWire } from './background-jobs.mapper.ts';

export interface BackgroundJobsDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly retentionDays: number;
  /** Starts a new job from items (used by retry); provided by the bulk capability. */
  readonly resubmit: (principal: Principal, procedureId: string, items: unknown[], apiType: BackgroundJobRow['api_type'], retryOf: string) => Promise<unknown>;
}

const MAX_LIMIT = 100;
const FINISHED: readonly JobCompletionStatus[] = ['SUCCESS', 'CANCELLED', 'ERROR'];
const JOB_STATUSES: readonly JobCompletionStatus[] = ['NOT_STARTED', 'IN_PROGRESS', 'SUCCESS', 'CANCELLED', 'ERROR'];

export interface EntriesQuery {
  completionStatus?: string;
  limit?: number;
  skip?: number;
}

/**
 * A job carries the items its creator submitted, and cancelling or retrying it acts on that
 * creator's work: USER-role keys reach only the jobs they created (API.md §1 limits them to
 * their own objects). ADMIN and MANAGER keys see every job of the team (null: no filter).
 */
function ownerFilter(principal: Principal): string | null {
  return principal.roleType === 'USER' ? principal.userId : null;
}

export function createBackgroundJobsService(deps: BackgroundJobsDeps) {
  const { db, clock } = deps;

  /**
   * The job if the caller may see it, else 404 whatever the reason (another team's, another
   * user's, or none), before any rule about the job's state is applied.
   */
  async function load(tx: Db, principal: Principal, jobId: string): Promise<BackgroundJobRow> {
    if (!isUuid(jobId)) throw badRequest('backgroundJobId: expected a UUID');
    const job = await createBackgroundJobsRepo(tx).findJob(principal.teamId, jobId.toLowerCase(), ownerFilter(principal));
    if (!job) throw notFound('Background job not found');
    return job;
  }

  return {
    async fetch(principal: Principal, jobId: string) {
      const job = await load(db, principal, jobId);
      return { job: toJobWire(job), meta: { bjEntryCompletionStatusVsCount: countsOf(job) } };
    },

    /** API.md §5: entries in index order; `next` keeps the filter and is null on the last page. */
    async entries(principal: Principal, jobId: string, query: EntriesQuery) {
      const status = query.completionStatus;
      if (status !== undefined && !(ENTRY_STATUSES as readonly string[]).includes(status)) {
        throw badRequest(`completionStatus: expected one of ${ENTRY_STATUSES.join(', ')}, got "${status}"`);
      }
      const limit = Math.min(query.limit ?? MAX_LIMIT, MAX_LIMIT);
      const skip = query.skip ?? 0;
      const job = await load(db, principal, jobId);
      const rows = await createBackgroundJobsRepo(db).listEntries(principal.teamId, job.id, status as EntryCompletionStatus | undefined, skip, limit);
      const total = status === undefined ? job.total_entries : countsOf(job)[status as EntryCompletionStatus];
      const params = new URLSearchParams();
      if (status !== undefined) params.set('completionStatus', status);
      params.set('limit', String(limit));
      params.set('skip', String(skip + limit));
      const next = skip + limit < total ? `/v1/ext/background-job/${job.id}/entries?${params}` : null;
      return { entries: rows.map((r) => toEntryWire(r, job.api_type)), meta: { total, next } };
    },

    async list(principal: Principal, query: { completionStatus?: string; skip?: number; limit?: number }) {
      const status = query.completionStatus;
      if (status !== undefined && !(JOB_STATUSES as readonly string[]).includes(status)) {
        throw badRequest(`completionStatus: expected one of ${JOB_STATUSES.join(', ')}, got "${status}"`);
      }
      const skip = query.skip ?? 0;
      const limit = Math.min(query.limit ?? 10, MAX_LIMIT);
      const filter = { status: status as JobCompletionStatus | undefined, createdBy: ownerFilter(principal) };
      const page = await createBackgroundJobsRepo(db).listJobs(principal.teamId, filter, skip, limit);
      return { jobs: page.rows.map(toJobWire), meta: { hasMore: page.hasMore, skip, limit } };
    },

    /** Entries not yet started become CANCELLED; entries in flight finish; the job ends CANCELLED. */
    async cancel(principal: Principal, jobId: string) {
      const job = await db.transaction(async (tx) => {
        const current = await load(tx, principal, jobId);
        if (FINISHED.includes(current.completion_status)) throw conflict(`The job has already finished (${current.completion_status})`);
        const repo = createBackgroundJobsRepo(tx);
        const now = clock();
        // Entries first, then the job row: the same lock order as a running batch.
        const cancelled = await repo.cancelNotStarted(current.id, now);
        await repo.adjustCounters(current.id, { NOT_STARTED: -cancelled, CANCELLED: cancelled }, now);
        const updated = (await repo.findJob(principal.teamId, current.id))!;
        await repo.updateJob(current.id, { completion_status: 'CANCELLED', completed_at: now, updated_at: now, status_message: statusMessage(updated) });
        return (await repo.findJob(principal.teamId, current.id))!;
      });
      return { job: toJobWire(job), meta: { bjEntryCompletionStatusVsCount: countsOf(job) } };
    },

    /** A new job with the items of the ERROR entries of a finished job. */
    async retry(principal: Principal, jobId: string) {
      const job = await load(db, principal, jobId);
      if (!FINISHED.includes(job.completion_status)) throw conflict('The job is still running; retry it when it has finished');
      const failed = await createBackgroundJobsRepo(db).entriesWithStatus(principal.teamId, job.id, 'ERROR');
      if (failed.length === 0) throw new AppError('BAD_REQUEST', 400, 'The job has no ERROR entries to retry');
      return deps.resubmit(principal, job.procedure_id, failed.map((e) => e.api_data), job.api_type, job.id);
    },

    /** Finished jobs and their entries are kept `retentionDays` (30 by default), then removed. */
    async purgeExpired(): Promise<number> {
      return createBackgroundJobsRepo(db).purgeFinished(clock() - deps.retentionDays * 24 * 60 * 60 * 1000);
    },
  };
}

export type BackgroundJobsService = ReturnType<typeof createBackgroundJobsService>;
