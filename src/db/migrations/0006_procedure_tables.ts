import { sql, type Kysely } from 'kysely';
import type { Dialect, JsonColumn, JsonValueKind } from '../dialect/dialect.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations see the schema as it was then */

/**
 * Processes move from one shared table to a table per procedure (`proc_<procedure id without
 * dashes>`, see platform/processes/process-tables.repo.ts for why). For every procedure: its
 * table with the root indexes, its rows copied, and its attribute indexes (`pa_…`/`pd_…`) made
 * again on its own table under the same names. Tasks and history keep their rows and lose their
 * foreign key to the shared table, which is then dropped. Everything runs in the migration's one
 * transaction. The definitions are written out here, as they are at this version, on purpose:
 * later changes to the live ones come with migrations of their own.
 */
const ROOT_INDEXES: readonly (readonly [string, readonly string[]])[] = [
  ['created', ['created_at', 'id']],
  ['state', ['state_id', 'created_at', 'id']],
  ['status', ['status', 'created_at', 'id']],
  ['assigned', ['assigned_to', 'created_at', 'id']],
  ['creator', ['created_by', 'created_at', 'id']],
  ['next_action', ['next_action_at', 'id']],
];

const COLUMNS = [
  'id', 'team_id', 'procedure_id', 'entity_id', 'record_id', 'created_by', 'assigned_to', 'belongs_to', 'status', 'state_id',
  'next_action_at', 'completed_at', 'data', 'derived_data', 'pk_value', 'is_deleted', 'deleted_at', 'created_at', 'updated_at',
];

const KINDS: Record<string, JsonValueKind> = { n: 'number', t: 'text', b: 'boolean' };
const ATTRIBUTE_INDEX = /^(pa|pd)_([0-9a-f]{32})_([ntb])$/;

const tableOf = (procedureId: string): string => `proc_${procedureId.replace(/-/g, '')}`;
const uuidOf = (hex: string): string => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const procedures = await db.selectFrom('procedures').select('id').execute();
  for (const { id } of procedures) await createTable(db, dialect, tableOf(id));
  const columns = sql.join(COLUMNS.map((c) => sql.ref(c)));
  for (const { id } of procedures) {
    await sql`insert into ${sql.table(tableOf(id))} (${columns}) select ${columns} from processes where procedure_id = ${id}`.execute(db);
  }
  await moveAttributeIndexes(db, dialect);
  await dialect.dropForeignKeysTo(db, 'tasks', 'processes');
  await dialect.dropForeignKeysTo(db, 'process_history', 'processes');
  await db.schema.dropTable('processes').execute();
}

async function createTable(db: Kysely<any>, dialect: Dialect, table: string): Promise<void> {
  const json = sql.raw(dialect.jsonColumnType);
  await db.schema.createTable(table)
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('procedure_id', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text')
    .addColumn('record_id', 'text')
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
  await db.schema.createIndex(`${table}_pk`).on(table).column('pk_value').unique()
    .where(sql<boolean>`is_deleted = 0 and pk_value is not null`).execute();
  for (const [suffix, columns] of ROOT_INDEXES) {
    await db.schema.createIndex(`${table}_${suffix}`).on(table).columns([...columns]).where(sql<boolean>`is_deleted = 0`).execute();
  }
}

/** Each attribute index of the shared table, made again on its procedure's table (names are unique per schema). */
async function moveAttributeIndexes(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const names = [...await dialect.listIndexNames(db, 'processes', 'pa_'), ...await dialect.listIndexNames(db, 'processes', 'pd_')];
  for (const name of names) {
    const match = ATTRIBUTE_INDEX.exec(name);
    await sql`drop index ${sql.id(name)}`.execute(db);
    if (!match) continue;
    const [, prefix, hex, letter] = match;
    const source = prefix === 'pa' ? 'attributes' : 'derived_attributes';
    const column: JsonColumn = prefix === 'pa' ? 'data' : 'derived_data';
    const owner = await db.selectFrom(source).select(['owner_id', 'short_id']).where('id', '=', uuidOf(hex)).where('owner_kind', '=', 'procedure').executeTakeFirst();
    if (!owner) continue;
    const kind = KINDS[letter];
    const value = dialect.indexKey(dialect.jsonValue(column, owner.short_id, kind), kind);
    await sql`create index ${sql.id(name)} on ${sql.table(tableOf(owner.owner_id))} (${value} ${dialect.indexNullsFirst}, created_at, id)`.execute(db);
  }
}
