import { sql, type RawBuilder } from 'kysely';
import { INLINE_LIST_MAX, type Dialect, type JsonColumn, type SqlComparison, type SqlValueType } from '../../db/dialect/dialect.ts';
import type { ComparisonOp, FieldRef, RootFieldName, Scalar, WhereNode } from './where.types.ts';

type Condition = RawBuilder<boolean>;

const ROOT_COLUMNS: Record<RootFieldName, { column: string; nullable: boolean; type: SqlValueType }> = {
  status: { column: 'status', nullable: false, type: 'text' },
  state: { column: 'state_id', nullable: true, type: 'text' },
  createdAt: { column: 'created_at', nullable: false, type: 'bigint' },
  updatedAt: { column: 'updated_at', nullable: false, type: 'bigint' },
  nextActionAt: { column: 'next_action_at', nullable: false, type: 'bigint' },
  assignedTo: { column: 'assigned_to', nullable: true, type: 'text' },
  createdBy: { column: 'created_by', nullable: true, type: 'text' },
  id: { column: 'id', nullable: false, type: 'text' },
};

const OPERATORS: Record<ComparisonOp, SqlComparison> = { '=': '=', '!=': '<>', '>': '>', '>=': '>=', '<': '<', '<=': '<=' };
const ATTRIBUTE_TYPE: Record<FieldRef['valueKind'], SqlValueType> = { number: 'numeric', text: 'text', boolean: 'boolean' };

const jsonColumn = (field: Extract<FieldRef, { kind: 'attribute' }>): JsonColumn => (field.source === 'data' ? 'data' : 'derived_data');

/**
 * Translates a parsed `where` into SQL over the processes table — the one place that does.
 * Values are always bound parameters. Attribute fields use exactly the dialect's `jsonValue`
 * expression, which is what the per-attribute indexes are built on. `!=` also matches processes
 * where the field is empty, as a reader of the data would expect.
 */
export function whereToSql(node: WhereNode, dialect: Dialect): Condition {
  const budget = { longListsLeft: dialect.indexableLongLists };
  const translate = (n: WhereNode): Condition => {
    switch (n.kind) {
      case 'and':
        return n.children.length === 0 ? sql<boolean>`1 = 1` : sql<boolean>`(${sql.join(n.children.map(translate), sql` and `)})`;
      case 'or':
        return n.children.length === 0 ? sql<boolean>`1 = 0` : sql<boolean>`(${sql.join(n.children.map(translate), sql` or `)})`;
      case 'compare':
        return compare(n.field, n.op, n.value, dialect);
      case 'in':
        return oneOf(n.field, n.values, dialect, budget);
      case 'null':
        return isNull(n.field, n.negate, dialect);
    }
  };
  return translate(node);
}

/** The SQL expression a field is read by. */
export function fieldExpression(field: FieldRef, dialect: Dialect): RawBuilder<unknown> {
  if (field.kind === 'root') return sql.raw(ROOT_COLUMNS[field.field].column);
  return dialect.jsonValue(jsonColumn(field), field.shortId, field.valueKind);
}

/** The ORDER BY keys of a field, in the order its index keeps (Dialect.sortKeys). */
export function sortExpressions(field: FieldRef, dialect: Dialect): RawBuilder<unknown>[] {
  const value = fieldExpression(field, dialect);
  return field.kind === 'root' ? [value] : dialect.sortKeys(value, field.valueKind);
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
  const condition = field.kind === 'attribute'
    ? dialect.compareValue(expr, field.valueKind, OPERATORS[op], param(field, value, dialect))
    : sql<boolean>`${expr} ${sql.raw(OPERATORS[op])} ${param(field, value, dialect)}`;
  const nullable = field.kind === 'attribute' || ROOT_COLUMNS[field.field].nullable;
  return op === '!=' && nullable ? sql<boolean>`(${expr} is null or ${condition})` : condition;
}

/** Long lists offered to indexes so far count against the dialect's limit (Dialect.indexableLongLists). */
function oneOf(field: FieldRef, values: readonly Scalar[], dialect: Dialect, budget: { longListsLeft: number }): Condition {
  if (field.kind === 'attribute' && field.multi) return dialect.jsonArrayContainsAny(jsonColumn(field), field.shortId, values, field.valueKind);
  const params = values.map((v) => param(field, v, dialect));
  const type = field.kind === 'root' ? ROOT_COLUMNS[field.field].type : ATTRIBUTE_TYPE[field.valueKind];
  const indexable = values.length <= INLINE_LIST_MAX || budget.longListsLeft-- > 0;
  return dialect.oneOf(fieldExpression(field, dialect), type, params, field.kind === 'attribute', indexable);
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
