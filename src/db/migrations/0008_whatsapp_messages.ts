import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect/dialect.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations see the schema as it was then */

/**
 * The WhatsApp chat log (API.md §8.1, §8.5): a contact per customer phone number and team, a chat
 * per (plugin, business phone number, contact), and every message sent or received; and which
 * plugin each message template id was seen through (§8.2).
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const json = sql.raw(dialect.jsonColumnType);

  await db.schema
    .createTable('whatsapp_contacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('whatsapp_contacts_phone').on('whatsapp_contacts').columns(['team_id', 'phone']).unique().execute();

  await db.schema
    .createTable('whatsapp_chats')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('plugin_id', 'text', (c) => c.notNull().references('whatsapp_plugins.id'))
    .addColumn('phone_number_id', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text', (c) => c.notNull().references('whatsapp_contacts.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('last_message_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('whatsapp_chats_party').on('whatsapp_chats').columns(['team_id', 'plugin_id', 'phone_number_id', 'contact_id']).unique().execute();
  await db.schema.createIndex('whatsapp_chats_recent').on('whatsapp_chats').columns(['team_id', 'last_message_at', 'id']).execute();

  await db.schema
    .createTable('whatsapp_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('plugin_id', 'text', (c) => c.notNull().references('whatsapp_plugins.id'))
    .addColumn('chat_id', 'text', (c) => c.notNull().references('whatsapp_chats.id'))
    .addColumn('contact_id', 'text', (c) => c.notNull().references('whatsapp_contacts.id'))
    // Meta's message id (wamid); null until Meta accepted the message.
    .addColumn('external_id', 'text')
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('data_type', 'text', (c) => c.notNull())
    .addColumn('body', json, (c) => c.notNull())
    .addColumn('text', 'text')
    .addColumn('attachments', json, (c) => c.notNull())
    .addColumn('delivery_status', 'text', (c) => c.notNull())
    .addColumn('delivery_error', json)
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .addColumn('context', json, (c) => c.notNull())
    .addColumn('source', json, (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('procedure_id', 'text')
    .addColumn('process_id', 'text')
    .addColumn('in_reply_to', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // Status events and duplicates find a message by Meta's id.
  await db.schema.createIndex('whatsapp_messages_external').on('whatsapp_messages').columns(['team_id', 'external_id']).unique().execute();
  await db.schema.createIndex('whatsapp_messages_chat').on('whatsapp_messages').columns(['chat_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('whatsapp_messages_contact').on('whatsapp_messages').columns(['team_id', 'contact_id', 'created_at', 'id']).execute();

  // Update Message Template names only the template: the plugin is found from where its id was seen.
  await db.schema
    .createTable('whatsapp_template_refs')
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('template_id', 'text', (c) => c.notNull())
    .addColumn('plugin_id', 'text', (c) => c.notNull().references('whatsapp_plugins.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('whatsapp_template_refs_pkey', ['team_id', 'template_id'])
    .execute();

  // Upload Public Media (§8.3): files anyone with the unguessable URL may read.
  await db.schema
    .createTable('whatsapp_public_media')
    .addColumn('path', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('plugin_id', 'text', (c) => c.notNull().references('whatsapp_plugins.id'))
    .addColumn('mime_type', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('filename', 'text')
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  // Fetch / Show WhatsApp Media (§8.3): media kept here, so it outlives Meta's short-lived links.
  await db.schema
    .createTable('whatsapp_media')
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('media_id', 'text', (c) => c.notNull())
    .addColumn('plugin_id', 'text', (c) => c.notNull().references('whatsapp_plugins.id'))
    .addColumn('mime_type', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('whatsapp_media_pkey', ['team_id', 'media_id'])
    .execute();
}
