import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Static, TSchema } from 'typebox';
import type { Db } from '../db/database.ts';
import { newId } from '../shared/ids.ts';
import type { Logger } from '../shared/logger.ts';
import type { Clock } from '../shared/time.ts';
import { nextRunAt } from './backoff.ts';
import { InvalidJobPayloadError, PermanentJobError, type JobDefinition } from './job-definition.ts';
import { createJobsRepo, type JobRow, type NewJob } from './jobs.repo.ts';
import type { QueueName } from './queues.ts';

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
export type JobHandler<P = unknown> = (payload: P, ctx: JobContext) => Promise<JobOutcome>;

export interface HandlerOptions<P = unknown> {
  /** Called once when the job fails for good, so its owner can record that (e.g. a bulk job's ERROR). */
  readonly onFailed?: (payload: P, error: string, tx: Db) => Promise<void>;
}

export interface EnqueueOptions {
  readonly runAt?: number;
  /** A job whose key is already in the queue (or finished and not yet purged) is not added again. */
  readonly uniqueKey?: string;
}

export interface JobEngineOptions {
  readonly db: Db;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Jobs each queue runs at once in this process; a queue not named here is not run by it. */
  readonly queues: Readonly<Partial<Record<QueueName, number>>>;
  readonly leaseMs?: number;
  readonly pollMs?: number;
  /** Jitter source for time-window retries (tests pin it). */
  readonly random?: () => number;
}

const RECOVERY_EVERY_MS = 1000;

export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

interface Registered {
  readonly definition: JobDefinition;
  readonly handler: JobHandler;
  readonly options: HandlerOptions;
}

/**
 * A durable job engine over the database. Work is enqueued in the caller's transaction, so it
 * exists exactly when the change that caused it committed. Each named queue has its own slots in
 * each worker process: a queue's loop claims due jobs in one short statement with a lease as
 * slots free up, runs each handler outside any transaction, then marks it done or reschedules it
 * by its kind's retry policy; when the policy is used up (or the handler says trying again cannot
 * help) it fails for good and stays visible. A worker that dies leaves its lease to expire, and
 * the job is claimed again.
 */
export function createJobEngine(options: JobEngineOptions) {
  const { db, clock, logger } = options;
  const leaseMs = options.leaseMs ?? 30_000;
  const pollMs = options.pollMs ?? 250;
  const random = options.random ?? Math.random;
  const workerId = `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const registered = new Map<string, Registered>();
  const repo = createJobsRepo(db);
  const queues = Object.entries(options.queues).filter((entry): entry is [string, number] => (entry[1] ?? 0) > 0);
  let stopping = new AbortController();
  let loops: Promise<void>[] = [];
  const wakers = new Set<() => void>();

  async function run(job: JobRow): Promise<void> {
    const entry = registered.get(job.name);
    const ctx: JobContext = {
      jobId: job.id, attempt: job.attempts, workerId, signal: stopping.signal,
      heartbeat: (tx) => createJobsRepo(tx ?? db).extendLease(job.id, workerId, clock() + leaseMs),
    };
    try {
      if (!entry) throw new Error(`no handler registered for job "${job.name}"`);
      const outcome = await entry.handler(job.payload, ctx);
      await db.writeShared((tx) => outcome === 'yield'
        ? createJobsRepo(tx).requeue(job.id, workerId, clock(), clock(), null, false)
        : createJobsRepo(tx).finish(job.id, workerId, clock()));
    } catch (error: unknown) {
      await settleFailure(job, entry, error);
    }
  }

  async function settleFailure(job: JobRow, entry: Registered | undefined, error: unknown): Promise<void> {
    if (error instanceof LeaseLostError) return; // another worker owns it now
    const message = error instanceof Error ? error.message : String(error);
    const policy = entry?.definition.retry ?? { attempts: job.max_attempts };
    const runAt = error instanceof PermanentJobError ? null : nextRunAt(policy, job.attempts, clock(), job.give_up_at === null ? null : Number(job.give_up_at), random);
    if (runAt === null) {
      logger.error({ err: error, jobId: job.id, job: job.name, attempts: job.attempts }, 'job failed permanently');
      // The job's failure and its owner's record of it commit together: a crash cannot keep one without the other.
      await db.transaction(async (tx) => {
        await createJobsRepo(tx).fail(job.id, workerId, clock(), message);
        await entry?.options.onFailed?.(job.payload, message, tx);
      });
      return;
    }
    logger.warn({ err: error, jobId: job.id, job: job.name, attempts: job.attempts, retryInMs: runAt - clock() }, 'job failed; will retry');
    await db.writeShared((tx) => createJobsRepo(tx).requeue(job.id, workerId, runAt, clock(), message, true));
  }

  /** Claims and finishes share commits with other writes (one disk flush for many on SQLite). */
  const lastRecovery = new Map<string, number>();
  const claim = (queue: string, limit: number, alwaysRecover = false) => db.writeShared(async (tx) => {
    const repo = createJobsRepo(tx);
    // Leases expire in tens of seconds: looking for expired ones once per second per queue is
    // plenty, and spares a statement on every claim of a busy queue.
    const now = clock();
    if (alwaysRecover || now - (lastRecovery.get(queue) ?? -Infinity) >= RECOVERY_EVERY_MS) {
      await repo.recoverExpired(queue, now);
      lastRecovery.set(queue, now);
    }
    return repo.claim(queue, workerId, now, leaseMs, limit);
  });

  /** Claims and runs what is due now in every queue, once; for tests. Returns how many ran. */
  async function runOnce(): Promise<number> {
    let ran = 0;
    for (const [queue, slots] of queues) {
      const jobs = await claim(queue, slots, true);
      await Promise.all(jobs.map(run));
      ran += jobs.length;
    }
    return ran;
  }

  /** One queue's loop: keeps its slots busy, claiming as many jobs as there are free slots. */
  async function runQueue(queue: string, slots: number, signal: AbortSignal): Promise<void> {
    const running = new Set<Promise<void>>();
    while (!signal.aborted) {
      let claimed = 0;
      const free = slots - running.size;
      if (free > 0) {
        try {
          const jobs = await claim(queue, free);
          claimed = jobs.length;
          for (const job of jobs) {
            const task: Promise<void> = run(job)
              .catch((error: unknown) => logger.error({ err: error, jobId: job.id }, 'job could not be settled; its lease will expire'))
              .finally(() => {
                running.delete(task);
                wakeAll();
              });
            running.add(task);
          }
        } catch (error: unknown) {
          logger.error({ err: error, queue }, 'job worker could not claim work; retrying');
        }
      }
      if (signal.aborted) break;
      if (claimed === 0 || running.size >= slots) await idle(signal);
      // Synchronous drivers (node:sqlite) never leave the microtask queue on their own: let
      // the event loop serve sockets and signals between rounds of work.
      else await yieldToEventLoop();
    }
    await Promise.all(running);
  }

  /** Waits for a poll interval, a finished job, a poke or the stop signal. */
  function idle(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      // The listener goes when the wait ends, or every idle poll would leave one behind.
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, pollMs);
      wakers.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  function wakeAll(): void {
    for (const wake of [...wakers]) wake();
  }

  function rowsFor<S extends TSchema>(definition: JobDefinition<S>, payloads: readonly Static<S>[], opts: EnqueueOptions | ((payload: Static<S>) => EnqueueOptions)): NewJob[] {
    const now = clock();
    return payloads.map((payload) => {
      if (!definition.check(payload)) throw new InvalidJobPayloadError(`job "${definition.name}": the payload does not have the job's shape`);
      const o = typeof opts === 'function' ? opts(payload) : opts;
      const retry = definition.retry;
      return {
        id: newId(), name: definition.name, queue: definition.queue, payload, status: 'queued' as const, attempts: 0,
        max_attempts: 'attempts' in retry ? retry.attempts : 0, run_at: o.runAt ?? now, unique_key: o.uniqueKey ?? null,
        give_up_at: 'windowMs' in retry ? now + retry.windowMs : null,
        locked_by: null, locked_until: null, last_error: null, created_at: now, updated_at: now, finished_at: null,
      };
    });
  }

  return {
    workerId,
    register<S extends TSchema>(definition: JobDefinition<S>, handler: JobHandler<Static<S>>, handlerOptions: HandlerOptions<Static<S>> = {}): void {
      registered.set(definition.name, { definition, handler: handler as JobHandler, options: handlerOptions as HandlerOptions });
    },
    /**
     * Adds a job in the caller's transaction: it exists if and only if that transaction commits.
     * Returns its id, or null when a job with the same unique key is already there.
     */
    async enqueue<S extends TSchema>(tx: Db, definition: JobDefinition<S>, payload: Static<S>, opts: EnqueueOptions = {}): Promise<string | null> {
      const [id] = await createJobsRepo(tx).insert(rowsFor(definition, [payload], opts));
      return id ?? null;
    },
    /** Adds many jobs of one kind in one statement; returns the ids added (duplicates by key left out). */
    async enqueueMany<S extends TSchema>(tx: Db, definition: JobDefinition<S>, payloads: readonly Static<S>[], opts: (payload: Static<S>) => EnqueueOptions = () => ({})): Promise<string[]> {
      return createJobsRepo(tx).insert(rowsFor(definition, payloads, opts));
    },
    runOnce,
    /** Tells idle loops in this process to look for work now (after a commit that enqueued). */
    poke(): void {
      wakeAll();
    },
    start(): void {
      if (loops.length > 0) return;
      stopping = new AbortController();
      const signal = stopping.signal;
      loops = queues.map(([queue, slots]) => runQueue(queue, slots, signal));
    },
    /** Stops claiming; running handlers see the abort signal, finish their step and release. */
    async stop(): Promise<void> {
      stopping.abort();
      await Promise.all(loops);
      loops = [];
    },
    purgeFinished: (before: number) => repo.purgeFinished(before),
  };
}

export type JobEngine = ReturnType<typeof createJobEngine>;
