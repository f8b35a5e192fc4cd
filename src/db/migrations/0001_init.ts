import { sql, type Kysely, type CreateTableBuilder } from 'kysely';
import type { Dialect } from '../dialect/dialect.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations see the schema as it was then */
type Table = CreateTableBuilder<any, any>;

const timestamps = (t: Table): Table =>
  t.addColumn('created_at', 'bigint', (c) => c.notNull()).addColumn('updated_at', 'bigint', (c) => c.notNull());

const teamOwned = (t: Table): Table =>
  t.addColumn('id', 'text', (c) => c.primaryKey()).addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'));

/** Teams, users, roles, pods, API keys and the config objects of CONFIG.md. */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const json = sql.raw(dialect.jsonColumnType);
  const text = (t: Table, name: string, fallback = '') =>
    t.addColumn(name, 'text', (c) => c.notNull().defaultTo(fallback));

  await timestamps(
    db.schema
      .createTable('teams')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('slug', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('timezone', 'text', (c) => c.notNull())
      .addColumn('default_country_code', 'text', (c) => c.notNull().defaultTo('')),
  ).execute();

  for (const table of ['roles', 'pods', 'task_types'] as const) {
    let t = teamOwned(db.schema.createTable(table))
      .addColumn('short_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull());
    if (table === 'roles') t = t.addColumn('type', 'text', (c) => c.notNull());
    await timestamps(t).addUniqueConstraint(`${table}_team_short_id`, ['team_id', 'short_id']).execute();
  }

  let users = teamOwned(db.schema.createTable('users')).addColumn('username', 'text', (c) => c.notNull());
  for (const name of ['first_name', 'last_name', 'middle_name', 'display_name', 'gender', 'bio', 'profile_image_url', 'cover_image_url', 'timezone']) {
    users = text(users, name);
  }
  users = users
    .addColumn('dob', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('data', json)
    .addColumn('onboarding_data', json)
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('is_deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('deleted_at', 'bigint')
    .addColumn('availability_status', 'text', (c) => c.notNull().defaultTo('AVAILABLE'))
    .addColumn('role_id', 'text', (c) => c.references('roles.id'))
    .addColumn('manager_id', 'text', (c) => c.references('users.id'))
    .addColumn('is_service_account', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('primary_email_id', 'text')
    .addColumn('primary_phone_id', 'text');
  await timestamps(users).addUniqueConstraint('users_team_username', ['team_id', 'username']).execute();
  await db.schema.createIndex('users_manager').on('users').columns(['team_id', 'manager_id']).execute();

  for (const [table, column] of [['user_emails', 'email'], ['user_phones', 'phone']] as const) {
    let t = teamOwned(db.schema.createTable(table))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn(column, 'text', (c) => c.notNull());
    if (table === 'user_emails') t = t.addColumn('normalized_email', 'text', (c) => c.notNull());
    t = text(t, 'type').addColumn('is_verified', 'integer', (c) => c.notNull().defaultTo(0));
    await timestamps(t).execute();
    await db.schema.createIndex(`${table}_user`).on(table).columns(['user_id']).execute();
  }
  await db.schema.createIndex('user_emails_team_email').on('user_emails').columns(['team_id', 'normalized_email']).unique().execute();

  await db.schema
    .createTable('user_pods')
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('pod_id', 'text', (c) => c.notNull().references('pods.id'))
    .addPrimaryKeyConstraint('user_pods_pk', ['user_id', 'pod_id'])
    .execute();

  await timestamps(
    text(teamOwned(db.schema.createTable('api_keys')).addColumn('name', 'text', (c) => c.notNull()), 'description')
      .addColumn('role_id', 'text', (c) => c.notNull().references('roles.id'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id')),
  )
    .addColumn('revoked_at', 'bigint')
    .execute();

  await teamOwned(db.schema.createTable('api_tokens'))
    .addColumn('api_key_id', 'text', (c) => c.notNull().references('api_keys.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('token_hint', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();

  await db.schema
    .createTable('cache_revisions')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('revision', 'bigint', (c) => c.notNull())
    .execute();
  await db.insertInto('cache_revisions').values([{ name: 'auth', revision: 0 }, { name: 'config', revision: 0 }]).execute();

  await createConfigTables(db, json);
}

async function createConfigTables(db: Kysely<any>, json: ReturnType<typeof sql.raw>): Promise<void> {
  const named = (table: string) =>
    teamOwned(db.schema.createTable(table))
      .addColumn('short_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull());

  await timestamps(
    named('entities').addColumn('primary_key_attribute_id', 'text').addColumn('phone_attribute_id', 'text'),
  )
    .addUniqueConstraint('entities_team_short_id', ['team_id', 'short_id'])
    .execute();

  await timestamps(
    named('procedures')
      .addColumn('entity_id', 'text', (c) => c.references('entities.id'))
      .addColumn('primary_key_attribute_id', 'text')
      .addColumn('primary_identifier_attribute_id', 'text')
      .addColumn('phone_attribute_id', 'text')
      .addColumn('default_start_state_id', 'text')
      .addColumn('default_completed_state_id', 'text'),
  )
    .addUniqueConstraint('procedures_team_short_id', ['team_id', 'short_id'])
    .execute();

  await timestamps(
    named('states')
      .addColumn('procedure_id', 'text', (c) => c.notNull().references('procedures.id'))
      .addColumn('position', 'integer', (c) => c.notNull()),
  )
    .addUniqueConstraint('states_procedure_short_id', ['procedure_id', 'short_id'])
    .execute();

  const owned = (table: string) =>
    named(table)
      .addColumn('owner_kind', 'text', (c) => c.notNull())
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull());

  await timestamps(
    owned('attributes')
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('required', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('options', json)
      .addColumn('auto_generate', json)
      .addColumn('schema', json),
  )
    .addUniqueConstraint('attributes_owner_short_id', ['owner_id', 'short_id'])
    .execute();

  await timestamps(
    owned('derived_attributes')
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('expression', 'text', (c) => c.notNull()),
  )
    .addUniqueConstraint('derived_attributes_owner_short_id', ['owner_id', 'short_id'])
    .execute();

  await timestamps(owned('attribute_groups').addColumn('attribute_ids', json, (c) => c.notNull()))
    .addUniqueConstraint('attribute_groups_owner_short_id', ['owner_id', 'short_id'])
    .execute();

  await timestamps(
    named('state_tasks')
      .addColumn('procedure_id', 'text', (c) => c.notNull().references('procedures.id'))
      .addColumn('task_type_id', 'text', (c) => c.references('task_types.id'))
      .addColumn('state_ids', json, (c) => c.notNull()),
  )
    .addUniqueConstraint('state_tasks_procedure_short_id', ['procedure_id', 'short_id'])
    .execute();

  for (const table of ['states', 'attributes', 'derived_attributes', 'attribute_groups', 'state_tasks']) {
    await db.schema.createIndex(`${table}_team`).on(table).columns(['team_id']).execute();
  }
}
