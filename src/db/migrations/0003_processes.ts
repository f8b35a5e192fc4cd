import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect/dialect.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations see the schema as it was then */

/**
 * Records, processes, their history, tasks and the primary-key counters.
 *
 * Indexes: every list query is `procedure_id = <literal> AND is_deleted = 0` plus filters,
 * ordered by `created_at DESC, id DESC` by default, so the root-field indexes below lead with
 * procedure_id and end with (created_at, id): a filtered page is read in order and stops after
 * `limit + 1` rows. Attribute filters use per-attribute expression indexes that config apply
 * creates and drops (see platform/processes/process-indexes.repo.ts).
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const json = sql.raw(dialect.jsonColumnType);
  const live = sql<boolean>`is_deleted = 0`;

  await db.schema
    .createTable('records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('entity_id', 'text', (c) => c.notNull().references('entities.id'))
    .addColumn('data', json, (c) => c.notNull())
    .addColumn('derived_data', json, (c) => c.notNull())
    .addColumn('pk_value', 'text')
    .addColumn('created_by', 'text')
    .addColumn('is_deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('deleted_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('records_pk').on('records').columns(['entity_id', 'pk_value']).unique()
    .where(sql<boolean>`is_deleted = 0 and pk_value is not null`).execute();

  await db.schema
    .createTable('processes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('procedure_id', 'text', (c) => c.notNull().references('procedures.id'))
    .addColumn('entity_id', 'text')
    .addColumn('record_id', 'text', (c) => c.references('records.id'))
    .addColumn('created_by', 'text')
    .addColumn('assigned_to', 'text')
    .addColumn('belongs_to', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('state_id', 'text')
    .addColumn('next_action_at', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('completed_at', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('data', json, (c) => c.notNull())
    .addColumn('derived_data', json, (c) => c.notNull())
    .addColumn('pk_value', 'text')
    .addColumn('is_deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('deleted_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // The primary-key value is unique among a procedure's live processes; deleting frees it.
  await db.schema.createIndex('processes_pk').on('processes').columns(['procedure_id', 'pk_value']).unique()
    .where(sql<boolean>`is_deleted = 0 and pk_value is not null`).execute();
  const byProcedure: [string, string[]][] = [
    ['processes_created', ['procedure_id', 'created_at', 'id']],
    ['processes_updated', ['procedure_id', 'updated_at', 'id']],
    ['processes_state', ['procedure_id', 'state_id', 'created_at', 'id']],
    ['processes_status', ['procedure_id', 'status', 'created_at', 'id']],
    ['processes_assigned', ['procedure_id', 'assigned_to', 'created_at', 'id']],
    ['processes_creator', ['procedure_id', 'created_by', 'created_at', 'id']],
    ['processes_next_action', ['procedure_id', 'next_action_at', 'id']],
  ];
  for (const [name, columns] of byProcedure) {
    await db.schema.createIndex(name).on('processes').columns(columns).where(live).execute();
  }
  await db.schema.createIndex('processes_record').on('processes').columns(['record_id']).execute();

  await db.schema
    .createTable('process_history')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('process_id', 'text', (c) => c.notNull().references('processes.id'))
    .addColumn('user_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('changes', json, (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('process_history_process').on('process_history').columns(['process_id', 'created_at', 'id']).execute();

  await db.schema
    .createTable('sequences')
    .addColumn('attribute_id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('value', 'bigint', (c) => c.notNull())
    .execute();

  await createTasksTable(db, json);
}

async function createTasksTable(db: Kysely<any>, json: ReturnType<typeof sql.raw>): Promise<void> {
  let tasks = db.schema
    .createTable('tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('procedure_id', 'text', (c) => c.notNull().references('procedures.id'))
    .addColumn('process_id', 'text', (c) => c.notNull().references('processes.id'))
    .addColumn('record_id', 'text')
    .addColumn('state_task_id', 'text', (c) => c.notNull().references('state_tasks.id'))
    .addColumn('task_type_id', 'text')
    .addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('data', json, (c) => c.notNull())
    .addColumn('derived_data', json, (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('assigned_to', 'text')
    .addColumn('belongs_to', 'text');
  for (const column of ['starts_at', 'ends_at', 'due_by', 'started_at', 'completed_at', 'cancelled_at']) {
    tasks = tasks.addColumn(column, 'bigint', (c) => c.notNull().defaultTo(0));
  }
  await tasks
    .addColumn('is_deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('tasks_process').on('tasks').columns(['process_id', 'created_at', 'id']).execute();
}
