import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect/dialect.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations see the schema as it was then */

/** Photos (API.md §7): one row per uploaded image; the bytes live in the blob store. */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('photos')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('user_id', 'text', (c) => c.references('users.id'))
    .addColumn('filename', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('filetype', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('mime_type', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('is_public', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('storage_key', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('photos_team_created').on('photos').columns(['team_id', 'created_at']).execute();
}
