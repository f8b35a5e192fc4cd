import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations see the schema as it was then */

/**
 * Outbound webhook deliveries and their attempts (API.md §8.4). A delivery is one event for one
 * of a team's endpoints, unique by (team, endpoint, event id) so the same event enqueued twice is
 * stored and sent once; its body is kept exactly as it is signed and sent. `replays` counts how
 * often a failed delivery was queued again (each replay is a new job with its own unique key).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    // The plugin (or other source) the event belongs to; no foreign key: webhooks know no source tables.
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('endpoint', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('replays', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('delivered_at', 'bigint')
    .execute();
  await db.schema.createIndex('webhook_deliveries_event').on('webhook_deliveries').columns(['team_id', 'endpoint', 'event_id']).unique().execute();
  // A source's deliveries newest first, all of them or those of one status (the failed ones to replay).
  await db.schema.createIndex('webhook_deliveries_source').on('webhook_deliveries').columns(['team_id', 'source_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('webhook_deliveries_source_status').on('webhook_deliveries').columns(['team_id', 'source_id', 'status', 'created_at', 'id']).execute();

  await db.schema
    .createTable('webhook_delivery_attempts')
    .addColumn('delivery_id', 'text', (c) => c.notNull().references('webhook_deliveries.id').onDelete('cascade'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('error', 'text')
    .addPrimaryKeyConstraint('webhook_delivery_attempts_pkey', ['delivery_id', 'attempt'])
    .execute();
}
