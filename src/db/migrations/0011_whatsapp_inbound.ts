import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations see the schema as it was then */

/** Inbound WhatsApp events as Meta sent them, kept before they are processed (API.md §8.4). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('whatsapp_inbound_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    // No foreign key: the raw event log outlives a plugin pruned from the config.
    .addColumn('plugin_id', 'text', (c) => c.notNull())
    // The body exactly as received (checked to be UTF-8 JSON): pass-through forwards it byte for byte.
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('processed_at', 'bigint')
    .execute();
  // Meta retries a delivery with the same bytes: it is kept (and processed) once.
  await db.schema.createIndex('whatsapp_inbound_events_body').on('whatsapp_inbound_events').columns(['team_id', 'plugin_id', 'sha256']).unique().execute();
  await db.schema.createIndex('whatsapp_inbound_events_recent').on('whatsapp_inbound_events').columns(['team_id', 'received_at', 'id']).execute();

  await db.schema
    .createTable('whatsapp_template_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('plugin_id', 'text', (c) => c.notNull())
    .addColumn('template_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('language', 'text')
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('whatsapp_template_events_template').on('whatsapp_template_events').columns(['team_id', 'template_id', 'at']).execute();
}
