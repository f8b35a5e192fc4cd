import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import type { Db } from '../../db/database.ts';
import { preparedInsert, preparedQuery } from '../../db/prepared.ts';
import type { ColumnValueType, JsonObjectField } from '../../db/dialect/dialect.ts';
import type { Database, ProcedureTableName, ProcessesTable } from '../../db/schema.ts';
import { sortExpressions, whereToSql } from '../query/where.repo.ts';
import type { FieldRef, WhereNode } from '../query/where.types.ts';
import * as errors from './processes.errors.ts';
import { procedureTable } from './process-tables.ts';

export type ProcessRow = Omit<Selectable<ProcessesTable>, 'data' | 'derived_data'> & {
  data: Record<string, unknown>;
  derived_data: Record<string, unknown>;
};

export type ProcessInsert = ProcessRow;

export interface ListQuery {
  readonly teamId: string;
  readonly procedureId: string;
  readonly where: WhereNode;
  /** USER-role callers see only processes assigned to or created by these users. */
  readonly visibleTo: readonly string[] | null;
  readonly sort: readonly { field: FieldRef; order: 'asc' | 'desc' }[];
  readonly skip: number;
  readonly limit: number;
}

/** Reads made to write the row back take its lock (see findLive). */
export interface LockOptions {
  readonly forUpdate?: boolean;
}

const toJson = (value: unknown): string => JSON.stringify(value ?? {});

/** A process as the JSON text of its wire object, with what a visibility check needs. */
export interface ProcessJsonRow {
  readonly json: string;
  readonly assigned_to: string | null;
  readonly created_by: string | null;
}

/**
 * The same object as toProcessWire, keys in the same order, for the database to build as JSON
 * text (Fetch and List pass it to the response as it comes; see Dialect.jsonObjectText).
 */
export const PROCESS_JSON_FIELDS: readonly JsonObjectField[] = [
  ['id', 'id'], ['createdAt', 'created_at'], ['updatedAt', 'updated_at'], ['team', 'team_id'], ['procedure', 'procedure_id'],
  ['entity', 'entity_id'], ['record', 'record_id'], ['createdBy', 'created_by'], ['assignedTo', 'assigned_to'],
  ['belongsTo', 'belongs_to'], ['status', 'status'], ['state', 'state_id'], ['nextActionAt', 'next_action_at'],
  ['completedAt', 'completed_at'], ['data', 'data'], ['derivedData', 'derived_data'], ['isDeleted', 'is_deleted'], ['deletedAt', 'deleted_at'],
].map(([key, column]) => ({
  key, column, kind: column === 'data' || column === 'derived_data' ? 'json' : column === 'is_deleted' ? 'flag' : 'value',
}));

/** How each column a write may change is typed in a VALUES list (Dialect.typedParam). */
const COLUMN_TYPES: Readonly<Record<string, ColumnValueType>> = {
  entity_id: 'text', record_id: 'text', created_by: 'text', assigned_to: 'text', belongs_to: 'text', status: 'text', state_id: 'text',
  next_action_at: 'bigint', completed_at: 'bigint', data: 'json', derived_data: 'json', pk_value: 'text', is_deleted: 'integer',
  deleted_at: 'bigint', created_at: 'bigint', updated_at: 'bigint',
};
/** Rows per set-based UPDATE: a dozen columns each, within both databases' parameter limits. */
const UPDATE_CHUNK = 200;

export type ProcessChanges = Partial<Omit<ProcessRow, 'id' | 'team_id' | 'procedure_id'>>;

/** Root fields that can be empty (the others are never null). */
const NULLABLE_ROOT_FIELDS: ReadonlySet<string> = new Set(['state', 'assignedTo', 'createdBy']);

/** Fetch by id is the hottest read; its statement is built once per procedure table (db/prepared.ts). */
const liveById = (k: Kysely<Database>, p: (i: number) => string, table: ProcedureTableName, lock: RawBuilder<unknown> | null) =>
  k.selectFrom(table).selectAll()
    .where('team_id', '=', p(0)).where('id', '=', p(1)).where(sql<boolean>`is_deleted = 0`)
    .$if(lock !== null, (q) => q.modifyEnd(lock!));
const selectLive = preparedQuery<Selectable<ProcessesTable>, ProcedureTableName>((k, p, _d, table) => liveById(k, p, table, null));
const selectLiveJson = preparedQuery<ProcessJsonRow, ProcedureTableName>((k, p, dialect, table) =>
  k.selectFrom(table).select(['assigned_to', 'created_by', dialect.jsonObjectText(PROCESS_JSON_FIELDS).as('json')])
    .where('team_id', '=', p(0)).where('id', '=', p(1)).where(sql<boolean>`is_deleted = 0`));
const selectLiveForUpdate = preparedQuery<Selectable<ProcessesTable>, ProcedureTableName>((k, p, dialect, table) => liveById(k, p, table, dialect.forUpdate));

/** Creates bind every column to statements built once per table (db/prepared.ts). */
const insertRows = preparedInsert<ProcedureTableName>('proc_', [
  'id', 'team_id', 'procedure_id', 'entity_id', 'record_id', 'created_by', 'assigned_to', 'belongs_to', 'status', 'state_id',
  'next_action_at', 'completed_at', 'data', 'derived_data', 'pk_value', 'is_deleted', 'deleted_at', 'created_at', 'updated_at',
]);
const stored = (row: ProcessInsert) => ({ ...row, data: toJson(row.data), derived_data: toJson(row.derived_data) });
const selectPkHolder = preparedQuery<{ id: string }, ProcedureTableName>((k, p, _d, table) =>
  k.selectFrom(table).select('id')
    .where('team_id', '=', p(0)).where('pk_value', '=', p(1)).where(sql<boolean>`is_deleted = 0`));

export function createProcessesRepo(db: Db) {
  const read = (row: Selectable<ProcessesTable>): ProcessRow => ({
    ...row,
    data: (db.dialect.readJson(row.data) as Record<string, unknown>) ?? {},
    derived_data: (db.dialect.readJson(row.derived_data) as Record<string, unknown>) ?? {},
  });

  /**
   * The filters every list shares, on the procedure's own table (process-tables.repo.ts).
   * is_deleted is written as a literal: the indexes are partial on `is_deleted = 0`, and a
   * planner can only use them when the query states the same term, not a parameter.
   * Lists and counts may read many rows: they run on `db.reads` (off the event loop on SQLite).
   */
  function scoped(query: Pick<ListQuery, 'teamId' | 'procedureId' | 'where' | 'visibleTo'>) {
    let q = db.reads
      .selectFrom(procedureTable(query.procedureId))
      .where('team_id', '=', query.teamId)
      .where(sql<boolean>`is_deleted = 0`)
      .where(whereToSql(query.where, db.dialect));
    if (query.visibleTo !== null) {
      const users = query.visibleTo;
      q = q.where((eb) => eb.or([eb('assigned_to', 'in', users), eb('created_by', 'in', users)]));
    }
    return q;
  }

  /** A read cancelled past its budget (Db.reads) is the client's to narrow: 503, not a bug. */
  const withinBudget = <T>(read: Promise<T>): Promise<T> =>
    read.catch((error: unknown) => {
      throw db.dialect.isReadTimeout(error) ? errors.queryTimedOut(error) : error;
    });

  return {
    async insert(row: ProcessInsert): Promise<void> {
      await insertRows(db, [stored(row)], procedureTable(row.procedure_id));
    },

    async update(teamId: string, procedureId: string, id: string, changes: Partial<Omit<ProcessRow, 'id' | 'team_id' | 'procedure_id'>>): Promise<void> {
      const set: Record<string, unknown> = { ...changes };
      if (changes.data !== undefined) set.data = toJson(changes.data);
      if (changes.derived_data !== undefined) set.derived_data = toJson(changes.derived_data);
      await db.kysely.updateTable(procedureTable(procedureId)).set(set).where('team_id', '=', teamId).where('id', '=', id).execute();
    },

    /**
     * Several processes' changes in few statements: rows changing the same columns share an
     * UPDATE … FROM a VALUES list (a few hundred rows each). Only the columns given are written,
     * since each column set rewrites the index entries holding it.
     */
    async updateMany(teamId: string, procedureId: string, rows: readonly { id: string; changes: ProcessChanges }[]): Promise<void> {
      const table = procedureTable(procedureId);
      const groups = new Map<string, { id: string; changes: ProcessChanges }[]>();
      for (const row of rows) {
        const key = Object.keys(row.changes).sort().join(',');
        if (key !== '') groups.set(key, [...(groups.get(key) ?? []), row]);
      }
      for (const [key, group] of groups) {
        const columns = key.split(',') as (keyof ProcessChanges)[];
        const value = (column: keyof ProcessChanges, v: unknown) => db.dialect.typedParam(COLUMN_TYPES[column] === 'json' ? toJson(v) : v, COLUMN_TYPES[column]);
        for (let i = 0; i < group.length; i += UPDATE_CHUNK) {
          const tuples = group.slice(i, i + UPDATE_CHUNK).map((row) => sql`(${sql.join([sql`${row.id}`, ...columns.map((c) => value(c, row.changes[c] ?? null))])})`);
          await sql`
            with v(${sql.join([sql.ref('id'), ...columns.map((c) => sql.ref(c))])}) as (values ${sql.join(tuples)})
            update ${sql.table(table)} set ${sql.join(columns.map((c) => sql`${sql.ref(c)} = v.${sql.ref(c)}`))}
            from v where ${sql.table(table)}.id = v.id and ${sql.table(table)}.team_id = ${teamId}`.execute(db.kysely);
        }
      }
    },

    /**
     * A live process of the procedure by id. `forUpdate` locks the row until the transaction ends
     * (PostgreSQL), so a read-merge-write of its data cannot lose a concurrent writer's change.
     */
    async findLive(teamId: string, procedureId: string, id: string, options: LockOptions = {}): Promise<ProcessRow | undefined> {
      const [row] = await (options.forUpdate ? selectLiveForUpdate : selectLive)(db, [teamId, id], procedureTable(procedureId));
      return row ? read(row) : undefined;
    },

    /** As findLive, as the wire object's JSON text (Fetch Process passes it through). */
    async findLiveJson(teamId: string, procedureId: string, id: string): Promise<ProcessJsonRow | undefined> {
      const [row] = await selectLiveJson(db, [teamId, id], procedureTable(procedureId));
      return row;
    },

    /** Live processes of the procedure named by any of these ids or primary-key values, in two statements per 500. */
    async findLiveMany(teamId: string, procedureId: string, names: { ids: readonly string[]; pkValues: readonly string[] }, options: LockOptions = {}): Promise<ProcessRow[]> {
      const table = procedureTable(procedureId);
      const out: ProcessRow[] = [];
      for (const [column, values] of [['id', [...new Set(names.ids)]], ['pk_value', [...new Set(names.pkValues)]]] as const) {
        for (let i = 0; i < values.length; i += 500) {
          const rows = await db.kysely.selectFrom(table).selectAll()
            .where('team_id', '=', teamId).where(sql<boolean>`is_deleted = 0`).where(column, 'in', values.slice(i, i + 500))
            .$if(options.forUpdate === true, (q) => q.modifyEnd(db.dialect.forUpdate))
            .execute();
          out.push(...rows.map(read));
        }
      }
      return out;
    },

    /** A process of the procedure by id, deleted or not (its history outlives it). */
    async findAny(teamId: string, procedureId: string, id: string): Promise<ProcessRow | undefined> {
      const row = await db.kysely.selectFrom(procedureTable(procedureId)).selectAll()
        .where('team_id', '=', teamId).where('id', '=', id)
        .executeTakeFirst();
      return row ? read(row) : undefined;
    },

    /** A live process of the procedure by its primary-key value (unique among live processes). */
    async findLiveByPk(teamId: string, procedureId: string, pkValue: string, options: LockOptions = {}): Promise<ProcessRow | undefined> {
      const row = await db.kysely.selectFrom(procedureTable(procedureId)).selectAll()
        .where('team_id', '=', teamId).where('pk_value', '=', pkValue).where(sql<boolean>`is_deleted = 0`)
        .$if(options.forUpdate === true, (q) => q.modifyEnd(db.dialect.forUpdate))
        .executeTakeFirst();
      return row ? read(row) : undefined;
    },

    /** Several rows in few statements (bulk create). */
    async insertMany(procedureId: string, rows: readonly ProcessInsert[]): Promise<void> {
      const table = procedureTable(procedureId);
      for (let i = 0; i < rows.length; i += 100) await insertRows(db, rows.slice(i, i + 100).map(stored), table);
    },

    /** Which of these primary-key values live processes of the procedure already hold. */
    async pkValuesInUse(teamId: string, procedureId: string, values: readonly string[]): Promise<Set<string>> {
      const taken = new Set<string>();
      for (let i = 0; i < values.length; i += 500) {
        const rows = await db.kysely.selectFrom(procedureTable(procedureId)).select('pk_value')
          .where('team_id', '=', teamId).where(sql<boolean>`is_deleted = 0`)
          .where('pk_value', 'in', values.slice(i, i + 500)).execute();
        for (const row of rows) if (row.pk_value !== null) taken.add(row.pk_value);
      }
      return taken;
    },

    async pkInUse(teamId: string, procedureId: string, pkValue: string): Promise<boolean> {
      return (await selectPkHolder(db, [teamId, pkValue], procedureTable(procedureId))).length > 0;
    },

    /**
     * The live processes among `ids`, of any of the team's procedures, for reference checks (a
     * deleted process cannot be referred to): one primary-key probe per id and procedure table.
     */
    async existingIds(teamId: string, procedureIds: readonly string[], ids: readonly string[]): Promise<Set<string>> {
      const found = new Set<string>();
      if (ids.length === 0) return found;
      for (const procedureId of procedureIds) {
        const wanted = ids.filter((id) => !found.has(id));
        if (wanted.length === 0) break;
        const rows = await db.kysely.selectFrom(procedureTable(procedureId)).select('id')
          .where('team_id', '=', teamId).where('id', 'in', wanted).where(sql<boolean>`is_deleted = 0`).execute();
        for (const row of rows) found.add(row.id);
      }
      return found;
    },

    /** The primary-key value of each live process of the procedure among `ids`. */
    async pkValuesOf(teamId: string, procedureId: string, ids: readonly string[]): Promise<Map<string, string>> {
      const out = new Map<string, string>();
      for (let i = 0; i < ids.length; i += 500) {
        const rows = await db.kysely.selectFrom(procedureTable(procedureId)).select(['id', 'pk_value'])
          .where('team_id', '=', teamId).where(sql<boolean>`is_deleted = 0`).where('id', 'in', ids.slice(i, i + 500)).execute();
        for (const row of rows) if (row.pk_value !== null) out.set(row.id, row.pk_value);
      }
      return out;
    },

    /**
     * One page in a stable order; reads `limit + 1` rows to know whether more exist. Each row
     * comes back as the JSON text of its wire object, built by the database: a page of a
     * hundred processes is passed to the response without parsing or building anything per row.
     */
    async list(query: ListQuery): Promise<{ rows: string[]; hasMore: boolean }> {
      let q = scoped(query).select(db.dialect.jsonObjectText(PROCESS_JSON_FIELDS).as('json'));
      // Absent values are the smallest: first ascending, last descending, on both databases
      // (the order the indexes keep, so a page is read from an index without sorting).
      // Columns that are never null are ordered plainly: a NULLS clause that differs from an
      // index's own order (PostgreSQL) would stop the index from giving the order.
      for (const { field, order } of query.sort) {
        for (const expression of sortExpressions(field, db.dialect)) {
          if (field.kind === 'root' && !NULLABLE_ROOT_FIELDS.has(field.field)) q = q.orderBy(expression, order);
          else q = q.orderBy(expression, (ob) => (order === 'asc' ? ob.asc().nullsFirst() : ob.desc().nullsLast()));
        }
      }
      // Ties are broken by created_at, then id, in the last key's direction: the attribute
      // indexes end with (created_at, id), so they deliver this order as it is.
      const last = query.sort.at(-1);
      const direction = last?.order === 'asc' ? 'asc' : 'desc';
      if (!(last?.field.kind === 'root' && last.field.field === 'createdAt')) q = q.orderBy('created_at', direction);
      const rows = await withinBudget(q.orderBy('id', direction).limit(query.limit + 1).offset(query.skip).execute());
      return { rows: rows.slice(0, query.limit).map((row) => row.json), hasMore: rows.length > query.limit };
    },

    async count(query: Pick<ListQuery, 'teamId' | 'procedureId' | 'where' | 'visibleTo'>): Promise<number> {
      const row = await withinBudget(scoped(query).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow());
      return Number(row.n);
    },
  };
}

export type ProcessesRepo = ReturnType<typeof createProcessesRepo>;
