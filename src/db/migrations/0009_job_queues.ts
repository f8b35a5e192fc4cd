import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations see the schema as it was then */

/**
 * Named queues, de-duplication keys and time-window retries for the job engine:
 * - `queue`: each worker process runs every queue with its own concurrency, so a long bulk
 *   import never holds the slots webhook deliveries need. Jobs queued before this were bulk jobs.
 * - `unique_key`: a second job with the same key is not added (a Meta retry of the same event,
 *   the same delivery enqueued twice). NULLs are distinct, so jobs without a key never collide.
 * - `give_up_at`: retries of a job with a time-window policy stop at this moment.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('jobs').addColumn('queue', 'text', (c) => c.notNull().defaultTo('bulk')).execute();
  await db.schema.alterTable('jobs').addColumn('unique_key', 'text').execute();
  await db.schema.alterTable('jobs').addColumn('give_up_at', 'bigint').execute();
  await db.schema.dropIndex('jobs_due').ifExists().execute();
  await db.schema.createIndex('jobs_queue_due').on('jobs').columns(['queue', 'status', 'run_at', 'id']).execute();
  await db.schema.createIndex('jobs_unique_key').on('jobs').columns(['unique_key']).unique().execute();
}
