import { sql, type Insertable, type Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import type { JobsTable } from '../db/schema.ts';

export type JobRow = Omit<Selectable<JobsTable>, 'payload'> & { payload: unknown };
export type NewJob = Omit<Insertable<JobsTable>, 'payload'> & { payload: unknown };

/**
 * SQL of the job engine. The queue is infrastructure, not team data, so unlike the platform's
 * repos these methods are not scoped by team; handlers scope their own work.
 */
export function createJobsRepo(db: Db) {
  const read = (row: Selectable<JobsTable>): JobRow => ({ ...row, payload: db.dialect.readJson(row.payload) });
  return {
    /**
     * Adds jobs in one statement; one whose `unique_key` is already taken is left out. Returns the
     * ids actually added.
     */
    async insert(rows: readonly NewJob[]): Promise<string[]> {
      if (rows.length === 0) return [];
      const added = await db.kysely.insertInto('jobs').values(rows.map((row) => ({ ...row, payload: JSON.stringify(row.payload) })))
        .onConflict((c) => c.column('unique_key').doNothing())
        .returning('id').execute();
      return added.map((row) => row.id);
    },

    /**
     * Jobs whose lease expired (their worker died or stalled) go back to the queue, keeping their
     * place, so a claim takes them again; walks the lease index, not the queue.
     */
    async recoverExpired(queue: string, now: number): Promise<void> {
      await db.kysely.updateTable('jobs').set({ status: 'queued', locked_by: null, locked_until: null, updated_at: now })
        .where('status', '=', 'running').where('locked_until', '<', now).where('queue', '=', queue).execute();
    },

    /**
     * Takes up to `limit` of the oldest due queued jobs of one queue and leases them to
     * `workerId`, in one statement that walks (queue, status, run_at, id) in order. Expired leases
     * are a separate statement (`recoverExpired`): with an OR of the two in one query, the
     * database scanned every job of the queue, finished ones included, on every claim.
     */
    async claim(queue: string, workerId: string, now: number, leaseMs: number, limit: number): Promise<JobRow[]> {
      const { rows } = await sql<Selectable<JobsTable>>`
        update jobs set status = 'running', locked_by = ${workerId}, locked_until = ${now + leaseMs},
          attempts = attempts + 1, updated_at = ${now}
        where id in (
          select id from jobs
          where queue = ${queue} and status = 'queued' and run_at <= ${now}
          order by run_at, id limit ${limit} ${db.dialect.skipLocked})
        returning *`.execute(db.kysely);
      return rows.map(read);
    },

    /** Extends the lease; false when the job is no longer this worker's (it expired and moved on). */
    async extendLease(id: string, workerId: string, until: number): Promise<boolean> {
      const result = await db.kysely.updateTable('jobs').set({ locked_until: until })
        .where('id', '=', id).where('locked_by', '=', workerId).where('status', '=', 'running').executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async finish(id: string, workerId: string, now: number): Promise<void> {
      await db.kysely.updateTable('jobs').set({ status: 'done', finished_at: now, updated_at: now, locked_by: null, locked_until: null })
        .where('id', '=', id).where('locked_by', '=', workerId).execute();
    },

    /** Back to the queue at `runAt`; `countAttempt: false` undoes the claim's count (a release, not a failure). */
    async requeue(id: string, workerId: string, runAt: number, now: number, error: string | null, countAttempt: boolean): Promise<void> {
      await db.kysely.updateTable('jobs')
        .set({ status: 'queued', run_at: runAt, updated_at: now, locked_by: null, locked_until: null, last_error: error, ...(countAttempt ? {} : { attempts: sql`attempts - 1` }) })
        .where('id', '=', id).where('locked_by', '=', workerId).execute();
    },

    async fail(id: string, workerId: string, now: number, error: string): Promise<void> {
      await db.kysely.updateTable('jobs').set({ status: 'failed', finished_at: now, updated_at: now, locked_by: null, locked_until: null, last_error: error })
        .where('id', '=', id).where('locked_by', '=', workerId).execute();
    },

    async findById(id: string): Promise<JobRow | undefined> {
      const row = await db.kysely.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? read(row) : undefined;
    },

    /** Finished work older than `before` is removed; failed jobs stay as long as done ones. */
    async purgeFinished(before: number): Promise<number> {
      const result = await db.kysely.deleteFrom('jobs').where('status', 'in', ['done', 'failed']).where('finished_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
