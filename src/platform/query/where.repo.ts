import { sql, type RawBuilder } from 'kysely';
import type { Dialect, JsonColumn } from '../../db/dialect/dialect.ts';
import type { ComparisonOp, FieldRef, RootFieldName, Scalar, WhereNode } from './where.types.ts';

type Condition = RawBuilder<boolean>;

const ROOT_COLUMNS: Record<RootFieldName, { column: string; nullable: boolean }> = {
  status: { column: 'status', nullable: false },
  state: { column: 'state_id', nullable: true },
  createdAt: { column: 'created_at', nullable: false },
  updatedAt: { column: 'updated_at', nullable: false },
  nextActionAt: { column: 'next_action_at', nullable: false },
  assignedTo: { column: 'assigned_to', nullable: true },
  createdBy: { column: 'created_by', nullable: true },
  id: { column: 'id', nullable: false },
};

const OPERATORS: Record<ComparisonOp, string> = { '=': '=', '!=': '<>', '>': '>', '>=': '>=', '<': '<', '<=': '<=' };

const jsonColumn = (field: Extract<FieldRef, { kind: 'attribute' }>): JsonColumn => (field.source === 'data' ? 'data' : 'derived_data');

/**
 * Translates a parsed `where` into SQL over the processes table — the one place that does.
 * Values are always bound parameters. Attribute fields use exactly the dialect's `jsonValue`
 * expression, which is what the per-attribute indexes are built on. `!=` also matches processes
 * where the field is empty, as a reader of the data would expect.
 */
export function whereToSql(node: WhereNode, dialect: Dialect): Condition {
  switch (node.kind) {
    case 'and':
      return node.children.length === 0 ? sql<boolean>`1 = 1` : sql<boolean>`(${sql.join(node.children.map((c) => whereToSql(c, dialect)), sql` and `)})`;
    case 'or':
      return node.children.length === 0 ? sql<boolean>`1 = 0` : sql<boolean>`(${sql.join(node.children.map((c) => whereToSql(c, dialect)), sql` or `)})`;
    case 'compare':
      return compare(node.field, node.op, node.value, dialect);
    case 'in':
      return oneOf(node.field, node.values, dialect);
    case 'null':
      return isNull(node.field, node.negate, dialect);
  }
}

/** The SQL expression a field is read (and sorted) by. */
export function fieldExpression(field: FieldRef, dialect: Dialect): RawBuilder<unknown> {
  if (field.kind === 'root') return sql.raw(ROOT_COLUMNS[field.field].column);
  return dialect.jsonValue(jsonColumn(field), field.shortId, field.valueKind);
}

function param(field: FieldRef, value: Scalar, dialect: Dialect): unknown {
  return typeof value === 'boolean' ? dialect.booleanParam(value) : value;
}

function compare(field: FieldRef, op: ComparisonOp, value: Scalar, dialect: Dialect): Condition {
  if (field.kind === 'attribute' && field.multi) {
    const contains = dialect.jsonArrayContains(jsonColumn(field), field.shortId, value, field.valueKind);
    // On an absent list "contains" may be unknown (PostgreSQL's @> gives null), and "does not
    // contain" must still match it, as `!=` matches absent values everywhere else.
    return op === '!=' ? sql<boolean>`not coalesce(${contains}, false)` : contains;
  }
  const expr = fieldExpression(field, dialect);
  const condition = sql<boolean>`${expr} ${sql.raw(OPERATORS[op])} ${param(field, value, dialect)}`;
  const nullable = field.kind === 'attribute' || ROOT_COLUMNS[field.field].nullable;
  return op === '!=' && nullable ? sql<boolean>`(${expr} is null or ${condition})` : condition;
}

function oneOf(field: FieldRef, values: readonly Scalar[], dialect: Dialect): Condition {
  if (field.kind === 'attribute' && field.multi) {
    return whereToSql({ kind: 'or', children: values.map((value) => ({ kind: 'compare', field, op: '=', value })) }, dialect);
  }
  const params = values.map((v) => sql`${param(field, v, dialect)}`);
  return sql<boolean>`${fieldExpression(field, dialect)} in (${sql.join(params)})`;
}

function isNull(field: FieldRef, negate: boolean, dialect: Dialect): Condition {
  const absent = absentCondition(field, dialect);
  return negate ? sql<boolean>`not ${absent}` : absent;
}

/**
 * Root columns are null when empty, and `data` never holds null (a null write removes the key).
 * A derived attribute stores JSON null when its expression gives nothing; its stored values are
 * checked against its type, so "no value" is exactly its typed expression reading null. A
 * multi-valued one cannot be read as one scalar, so only a missing key counts as absent there.
 */
function absentCondition(field: FieldRef, dialect: Dialect): Condition {
  if (field.kind === 'attribute' && (field.source === 'data' || field.multi)) return dialect.jsonIsAbsent(jsonColumn(field), field.shortId);
  return sql<boolean>`${fieldExpression(field, dialect)} is null`;
}
