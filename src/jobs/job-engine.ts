import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Db } from '../db/database.ts';
import { newId } from '../shared/ids.ts';
import type { Logger } from '../shared/logger.ts';
import type { Clock } from '../shared/time.ts';
import { backoffMs } from './backoff.ts';
import { createJobsRepo, type JobRow } from './jobs.repo.ts';

/** What a handler gets besides its payload. */
export interface JobContext {
  readonly jobId: string;
  readonly attempt: number;
  readonly workerId: string;
  /** Aborted when the worker is asked to stop: finish the current step, then return 'yield'. */
  readonly signal: AbortSignal;
  /**
   * Renews the lease, in the given transaction when there is one (so a batch commits only while
   * this worker still owns the job). False means another worker has taken the job over: stop.
   */
  heartbeat(tx?: Db): Promise<boolean>;
}

/** 'done' finishes the job; 'yield' puts it back in the queue at once (stopping, or taking turns). */
export type JobOutcome = 'done' | 'yield';
export type JobHandler = (payload: unknown, ctx: JobContext) => Promise<JobOutcome>;

export interface HandlerOptions {
  /** Called once when the job fails for good, so its owner can record that (e.g. a bulk job's ERROR). */
  readonly onFailed?: (payload: unknown, error: string, tx: Db) => Promise<void>;
}

export interface EnqueueOptions {
  readonly runAt?: number;
  readonly maxAttempts?: number;
}

export interface JobEngineOptions {
  readonly db: Db;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Jobs run at once by this process (WORKER_CONCURRENCY). */
  readonly concurrency: number;
  readonly leaseMs?: number;
  readonly pollMs?: number;
}

export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

/**
 * A durable job engine over the database. Work is enqueued in the caller's transaction, so it
 * exists exactly when the change that caused it committed. Workers claim due jobs in one short
 * statement with a lease, run the handler outside any transaction, then mark the job done or
 * reschedule it with capped exponential backoff; after `maxAttempts` it fails for good and stays
 * visible. A worker that dies leaves its lease to expire, and the job is claimed again.
 */
export function createJobEngine(options: JobEngineOptions) {
  const { db, clock, logger } = options;
  const leaseMs = options.leaseMs ?? 30_000;
  const pollMs = options.pollMs ?? 250;
  const workerId = `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const handlers = new Map<string, { handler: JobHandler; options: HandlerOptions }>();
  const repo = createJobsRepo(db);
  let stopping = new AbortController();
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;

  async function run(job: JobRow): Promise<void> {
    const handler = handlers.get(job.name)?.handler;
    const ctx: JobContext = {
      jobId: job.id, attempt: job.attempts, workerId, signal: stopping.signal,
      heartbeat: (tx) => createJobsRepo(tx ?? db).extendLease(job.id, workerId, clock() + leaseMs),
    };
    try {
      if (!handler) throw new Error(`no handler registered for job "${job.name}"`);
      const outcome = await handler(job.payload, ctx);
      if (outcome === 'yield') await repo.requeue(job.id, workerId, clock(), clock(), null, false);
      else await repo.finish(job.id, workerId, clock());
    } catch (error: unknown) {
      await settleFailure(job, error);
    }
  }

  async function settleFailure(job: JobRow, error: unknown): Promise<void> {
    if (error instanceof LeaseLostError) return; // another worker owns it now
    const message = error instanceof Error ? error.message : String(error);
    if (job.attempts >= job.max_attempts) {
      logger.error({ err: error, jobId: job.id, job: job.name, attempts: job.attempts }, 'job failed permanently');
      // The job's failure and its owner's record of it commit together: a crash cannot keep one without the other.
      await db.transaction(async (tx) => {
        await createJobsRepo(tx).fail(job.id, workerId, clock(), message);
        await handlers.get(job.name)?.options.onFailed?.(job.payload, message, tx);
      });
      return;
    }
    const delay = backoffMs(job.attempts);
    logger.warn({ err: error, jobId: job.id, job: job.name, attempts: job.attempts, retryInMs: delay }, 'job failed; will retry');
    await repo.requeue(job.id, workerId, clock() + delay, clock(), message, true);
  }

  async function runOnce(): Promise<number> {
    const jobs = await repo.claim(workerId, clock(), leaseMs, options.concurrency);
    await Promise.all(jobs.map(run));
    return jobs.length;
  }

  async function runLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let claimed = 0;
      try {
        claimed = await runOnce();
      } catch (error: unknown) {
        logger.error({ err: error }, 'job worker could not claim work; retrying');
      }
      if (claimed === 0 && !signal.aborted) {
        await new Promise<void>((resolve) => {
          // The listener goes when the wait ends, or every idle poll would leave one behind.
          const done = () => { clearTimeout(timer); signal.removeEventListener('abort', done); resolve(); };
          const timer = setTimeout(done, pollMs);
          wake = done;
          signal.addEventListener('abort', done, { once: true });
        });
        wake = null;
      } else {
        // Synchronous drivers (node:sqlite) never leave the microtask queue on their own: let
        // the event loop serve sockets and signals between rounds of work.
        await yieldToEventLoop();
      }
    }
  }

  return {
    workerId,
    register(name: string, handler: JobHandler, options: HandlerOptions = {}): void {
      handlers.set(name, { handler, options });
    },
    /** Adds a job in the caller's transaction: it exists if and only if that transaction commits. */
    async enqueue(tx: Db, name: string, payload: unknown, opts: EnqueueOptions = {}): Promise<string> {
      const now = clock();
      const id = newId();
      await createJobsRepo(tx).insert({
        id, name, payload, status: 'queued', attempts: 0, max_attempts: opts.maxAttempts ?? 10, run_at: opts.runAt ?? now,
        locked_by: null, locked_until: null, last_error: null, created_at: now, updated_at: now, finished_at: null,
      });
      return id;
    },
    /** Claims and runs what is due now, once; for tests and for the loop. Returns how many ran. */
    runOnce,
    /** Tells an idle loop in this process to look for work now (after a commit that enqueued). */
    poke(): void {
      wake?.();
    },
    start(): void {
      if (loop) return;
      stopping = new AbortController();
      loop = runLoop(stopping.signal);
    },
    /** Stops claiming; running handlers see the abort signal, finish their step and release. */
    async stop(): Promise<void> {
      stopping.abort();
      await loop;
      loop = null;
    },
    purgeFinished: (before: number) => repo.purgeFinished(before),
  };
}

export type JobEngine = ReturnType<typeof createJobEngine>;
