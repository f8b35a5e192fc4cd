import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect/dialect.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations see the schema as it was then */

/**
 * WhatsApp plugins (API.md §8, CONFIG.md `plugins:`) and their phone numbers. Secrets are stored
 * sealed (shared/secret-box.ts), never in plain text; `secret_refs` keeps the `${VAR}` each came
 * from, so `config export` can write the reference back instead of the value.
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const json = sql.raw(dialect.jsonColumnType);

  await db.schema
    .createTable('whatsapp_plugins')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('waba_id', 'text', (c) => c.notNull())
    .addColumn('graph_api_url', 'text', (c) => c.notNull())
    .addColumn('lead_procedure_id', 'text', (c) => c.references('procedures.id'))
    .addColumn('access_token', 'text', (c) => c.notNull())
    .addColumn('app_secret', 'text')
    .addColumn('verify_token', 'text')
    .addColumn('webhook_secret', 'text')
    .addColumn('secret_refs', json, (c) => c.notNull())
    .addColumn('pass_through_webhook_url', 'text')
    .addColumn('enable_message_echoes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('chakra_webhook_url', 'text')
    .addColumn('enable_chakra_webhook', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('chakra_webhook_events', json, (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // A config file names a plugin by its WABA id, and the template routes find it by that id.
  await db.schema.createIndex('whatsapp_plugins_waba').on('whatsapp_plugins').columns(['team_id', 'waba_id']).unique().execute();

  await db.schema
    .createTable('whatsapp_phone_numbers')
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('phone_number_id', 'text', (c) => c.notNull())
    .addColumn('plugin_id', 'text', (c) => c.notNull().references('whatsapp_plugins.id').onDelete('cascade'))
    .addColumn('display_phone_number', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('whatsapp_phone_numbers_pkey', ['team_id', 'phone_number_id'])
    .execute();
  await db.schema.createIndex('whatsapp_phone_numbers_plugin').on('whatsapp_phone_numbers').columns(['plugin_id']).execute();
}
