import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { JsonColumn, JsonValueKind } from '../../db/dialect/dialect.ts';
import { ATTRIBUTE_TYPES, type AttributeTypeName } from '../attributes/attribute-types.ts';
import { comparisonKind } from '../attributes/attribute-values.ts';
import type { ProcedureModel } from '../procedures/procedure-model.ts';

/*
 * How attribute filters stay fast (API.md §3, "Indexes that make lists fast").
 *
 * Attribute values live in the `data` / `derived_data` JSON of each process. For every scalar,
 * comparable attribute (and derived attribute) of a procedure, config apply creates one partial
 * expression index on the processes table:
 *
 *   create index pa_<attribute id>_<kind> on processes (<json value of the attribute> [nulls first], created_at, id)
 *   where procedure_id = '<procedure id>' and is_deleted = 0
 *
 * - The expression is the dialect's `jsonValue` (json_extract on SQLite, a type-guarded cast of
 *   `data->>'key'` on PostgreSQL), the very expression the where translation compares, so both
 *   planners match it; numbers and datetimes (epoch ms) compare as numbers.
 * - Partial by procedure: an index holds only that procedure's live processes, so inserts into
 *   other procedures never touch it and the index stays as small as the data it serves.
 * - Trailing (created_at, id): an equality filter is read already in the default order, and a
 *   page stops after `limit + 1` rows instead of sorting every match; a sort by the attribute
 *   (ties broken by created_at, then id) is read straight from the index, forwards or backwards.
 *   Absent values are the smallest entries on both databases, so they sort the same way.
 * - Multi-valued attributes (arrays) and JSON objects are not indexed: a filter on them scans the
 *   procedure's live processes.
 *
 * Index names carry the attribute id and the comparison kind, so a changed type means a new index.
 */
const KIND_LETTER: Record<JsonValueKind, string> = { number: 'n', text: 't', boolean: 'b' };
const PREFIXES = { data: 'pa_', derived_data: 'pd_' } as const;

interface DesiredIndex {
  name: string;
  procedureId: string;
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

function desiredIndexes(procedures: readonly ProcedureModel[]): DesiredIndex[] {
  const out: DesiredIndex[] = [];
  for (const p of procedures) {
    const fields = [
      ...[...p.attributes.values()].map((a) => ({ ...a, column: 'data' as const })),
      ...[...p.derivedAttributes.values()].map((d) => ({ ...d, column: 'derived_data' as const })),
    ];
    for (const field of fields) {
      const kind = indexableKind(field.type);
      if (kind) out.push({ name: indexName(field.column, field.id, kind), procedureId: p.id, column: field.column, shortId: field.shortId, kind });
    }
  }
  return out;
}

export function createProcessIndexesRepo(db: Db) {
  return {
    /**
     * Makes the team's attribute indexes match its procedures. `knownAttributeIds` are every
     * attribute id the team had before and has now: an index is only ever dropped when its name
     * shows it belongs to one of them, so other teams' indexes are never touched.
     */
    async sync(procedures: readonly ProcedureModel[], knownAttributeIds: Iterable<string>): Promise<{ created: string[]; dropped: string[] }> {
      const desired = desiredIndexes(procedures);
      const wanted = new Set(desired.map((d) => d.name));
      const existing = new Set([
        ...(await db.dialect.listIndexNames(db.kysely, 'processes', PREFIXES.data)),
        ...(await db.dialect.listIndexNames(db.kysely, 'processes', PREFIXES.derived_data)),
      ]);
      const ours = new Set<string>();
      for (const id of knownAttributeIds) {
        for (const column of ['data', 'derived_data'] as const) {
          for (const kind of ['number', 'text', 'boolean'] as const) ours.add(indexName(column, id, kind));
        }
      }
      const dropped = [...existing].filter((name) => ours.has(name) && !wanted.has(name));
      for (const name of dropped) await sql`drop index ${sql.id(name)}`.execute(db.kysely);
      const created: string[] = [];
      for (const index of desired.filter((d) => !existing.has(d.name))) {
        await sql`create index ${sql.id(index.name)} on processes (${db.dialect.jsonValue(index.column, index.shortId, index.kind)} ${db.dialect.indexNullsFirst}, created_at, id) where procedure_id = ${sql.lit(index.procedureId)} and is_deleted = 0`.execute(db.kysely);
        created.push(index.name);
      }
      return { created, dropped };
    },
  };
}
