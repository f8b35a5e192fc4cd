import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect/dialect.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations see the schema as it was then */

/**
 * The durable job engine's queue (`jobs`, knows nothing of processes) and the bulk API's
 * background jobs with one entry per submitted item.
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const json = sql.raw(dialect.jsonColumnType);

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('payload', json, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('run_at', 'bigint', (c) => c.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  // Claims look for due queued work and for running work whose lease has expired.
  await db.schema.createIndex('jobs_due').on('jobs').columns(['status', 'run_at']).execute();
  await db.schema.createIndex('jobs_lease').on('jobs').columns(['status', 'locked_until']).execute();

  let jobs = db.schema
    .createTable('background_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('api_type', 'text', (c) => c.notNull())
    .addColumn('procedure_id', 'text', (c) => c.notNull().references('procedures.id'))
    .addColumn('created_by', 'text')
    .addColumn('completion_status', 'text', (c) => c.notNull())
    .addColumn('status_message', 'text')
    .addColumn('total_entries', 'integer', (c) => c.notNull())
    .addColumn('partitions', 'integer', (c) => c.notNull())
    .addColumn('retry_of', 'text')
    .addColumn('started_at', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('completed_at', 'bigint', (c) => c.notNull().defaultTo(0));
  // Per-status counters, kept in the same transactions as the entries they count, so the
  // six-key count of Fetch Background Job is one row read even for 100,000 entries.
  for (const status of ['invalid', 'not_started', 'in_progress', 'success', 'error', 'cancelled']) {
    jobs = jobs.addColumn(`count_${status}`, 'integer', (c) => c.notNull().defaultTo(0));
  }
  await jobs
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('background_jobs_team').on('background_jobs').columns(['team_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('background_jobs_finished').on('background_jobs').columns(['completed_at']).execute();

  await db.schema
    .createTable('background_job_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('background_job_id', 'text', (c) => c.notNull().references('background_jobs.id'))
    .addColumn('idx', 'integer', (c) => c.notNull())
    .addColumn('partition', 'integer', (c) => c.notNull())
    .addColumn('api_data', json, (c) => c.notNull())
    .addColumn('validation_status', 'text', (c) => c.notNull())
    .addColumn('validation_message', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('completion_status', 'text', (c) => c.notNull())
    .addColumn('completion_message', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('process_id', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('bg_entries_order').on('background_job_entries').columns(['background_job_id', 'idx']).unique().execute();
  await db.schema.createIndex('bg_entries_status').on('background_job_entries').columns(['background_job_id', 'completion_status', 'idx']).execute();
  await db.schema.createIndex('bg_entries_partition').on('background_job_entries').columns(['background_job_id', 'partition', 'completion_status', 'idx']).execute();
}
