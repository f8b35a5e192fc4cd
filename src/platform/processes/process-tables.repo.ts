import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { JsonColumn, JsonValueKind } from '../../db/dialect/dialect.ts';
import { ATTRIBUTE_TYPES, type AttributeTypeName } from '../attributes/attribute-types.ts';
import { comparisonKind } from '../attributes/attribute-values.ts';
import type { ProcedureModel } from '../procedures/procedure-model.ts';
import { procedureTable } from './process-tables.ts';

/*
 * How processes are stored, and why (README, "Storage: a table per procedure").
 *
 * Each procedure's processes live in a table of their own (process-tables.ts names it), created
 * when config apply first sees the procedure. Every index a list needs is on that table only:
 *
 * - root indexes: the live primary-key value (unique), and (field, created_at, id) for the
 *   default order and the root fields lists filter on;
 * - one expression index per scalar, comparable attribute and derived attribute:
 *     create index pa_<attribute id>_<kind> on proc_<procedure id> (<value> [nulls first], created_at, id)
 *   where <value> is the dialect's `indexKey` of its `jsonValue`, the expression the where
 *   translation compares, so both planners use the index. Trailing (created_at, id): an equality
 *   filter is read in the default order and a page stops after `limit + 1` rows. Not partial:
 *   PostgreSQL keeps statistics of an index's expression (how many processes hold each value,
 *   which decides between reading the index in order and sorting) only for whole-table indexes;
 *   deleted processes are few, and lists skip them.
 *
 * A write to a procedure maintains only that procedure's indexes, and adding an attribute reads
 * only that procedure's processes and locks only its table, whatever else the database holds.
 * (One shared table with a partial index per attribute per procedure made every write evaluate
 * every procedure's index predicates: 39 times slower single creates with 200 procedures.)
 * Multi-valued attributes (arrays) and JSON objects are not indexed.
 *
 * Index names carry the attribute id and the comparison kind, so a changed type means a new index.
 */
const KIND_LETTER: Record<JsonValueKind, string> = { number: 'n', text: 't', boolean: 'b' };
const PREFIXES = { data: 'pa_', derived_data: 'pd_' } as const;

/** The root-field indexes of every procedure table (all partial on live rows). */
const ROOT_INDEXES: readonly (readonly [suffix: string, columns: readonly string[]])[] = [
  ['created', ['created_at', 'id']],
  ['state', ['state_id', 'created_at', 'id']],
  ['status', ['status', 'created_at', 'id']],
  ['assigned', ['assigned_to', 'created_at', 'id']],
  ['creator', ['created_by', 'created_at', 'id']],
  ['next_action', ['next_action_at', 'id']],
];

interface DesiredIndex {
  name: string;
  column: JsonColumn;
  shortId: string;
  kind: JsonValueKind;
}

export function indexName(column: JsonColumn, attributeId: string, kind: JsonValueKind): string {
  return `${PREFIXES[column]}${attributeId.replace(/-/g, '')}_${KIND_LETTER[kind]}`;
}

function indexableKind(type: AttributeTypeName): JsonValueKind | null {
  const kind = comparisonKind(type);
  return kind === 'none' || ATTRIBUTE_TYPES[type].multi ? null : kind;
}

function desiredIndexes(procedure: ProcedureModel): DesiredIndex[] {
  const fields = [
    ...[...procedure.attributes.values()].map((a) => ({ ...a, column: 'data' as const })),
    ...[...procedure.derivedAttributes.values()].map((d) => ({ ...d, column: 'derived_data' as const })),
  ];
  const out: DesiredIndex[] = [];
  for (const field of fields) {
    const kind = indexableKind(field.type);
    if (kind) out.push({ name: indexName(field.column, field.id, kind), column: field.column, shortId: field.shortId, kind });
  }
  return out;
}

export interface TablesSync {
  tables: string[];
  created: string[];
  dropped: string[];
}

export function createProcessTablesRepo(db: Db) {
  const k = db.kysely;
  const live = sql<boolean>`is_deleted = 0`;

  /** The table and its root indexes, unless they exist already. */
  async function ensureTable(procedureId: string): Promise<boolean> {
    const table = procedureTable(procedureId);
    const existed = await db.dialect.tableExists(k, table);
    if (existed) return false;
    const json = sql.raw(db.dialect.jsonColumnType);
    await k.schema.createTable(table)
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
    // The primary-key value is unique among the procedure's live processes; deleting frees it.
    await k.schema.createIndex(`${table}_pk`).on(table).column('pk_value').unique()
      .where(sql<boolean>`is_deleted = 0 and pk_value is not null`).execute();
    for (const [suffix, columns] of ROOT_INDEXES) {
      await k.schema.createIndex(`${table}_${suffix}`).on(table).columns([...columns]).where(live).execute();
    }
    return true;
  }

  /** Makes the table's attribute indexes match the procedure's attributes. */
  async function syncIndexes(procedure: ProcedureModel): Promise<{ created: string[]; dropped: string[] }> {
    const table = procedureTable(procedure.id);
    const desired = desiredIndexes(procedure);
    const wanted = new Set(desired.map((d) => d.name));
    const existing = new Set([
      ...(await db.dialect.listIndexNames(k, table, PREFIXES.data)),
      ...(await db.dialect.listIndexNames(k, table, PREFIXES.derived_data)),
    ]);
    // Every attribute index on this table is this procedure's own: any not wanted goes.
    const dropped = [...existing].filter((name) => !wanted.has(name));
    for (const name of dropped) await sql`drop index ${sql.id(name)}`.execute(k);
    const created: string[] = [];
    for (const index of desired.filter((d) => !existing.has(d.name))) {
      const value = db.dialect.indexKey(db.dialect.jsonValue(index.column, index.shortId, index.kind), index.kind);
      await sql`create index ${sql.id(index.name)} on ${sql.table(table)} (${value} ${db.dialect.indexNullsFirst}, created_at, id)`.execute(k);
      created.push(index.name);
    }
    return { created, dropped };
  }

  return {
    /** Tables for new procedures, attribute indexes in step with each procedure's attributes. */
    async sync(procedures: readonly ProcedureModel[]): Promise<TablesSync> {
      const out: TablesSync = { tables: [], created: [], dropped: [] };
      for (const procedure of procedures) {
        if (await ensureTable(procedure.id)) out.tables.push(procedureTable(procedure.id));
        const { created, dropped } = await syncIndexes(procedure);
        out.created.push(...created);
        out.dropped.push(...dropped);
      }
      return out;
    },

    /** How many processes (deleted ones included: their history refers to them) the procedure has. */
    async countAll(procedureId: string): Promise<number> {
      const table = procedureTable(procedureId);
      if (!(await db.dialect.tableExists(k, table))) return 0;
      const row = await k.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Removes a procedure's table (config prune, once it holds no process). */
    async drop(procedureId: string): Promise<void> {
      await k.schema.dropTable(procedureTable(procedureId)).ifExists().execute();
    },
  };
}
