import { describeValue } from '../../shared/errors.ts';
import { invalidQuery } from './query.errors.ts';
import { resolveField, type FieldSpec } from './where.fields.ts';
import type { ComparisonOp, Scalar, WhereContext, WhereNode } from './where.types.ts';
import { isScalar, type Converted } from './where.values.ts';

export type { WhereContext } from './where.types.ts';

/**
 * Parses and validates the `where` of List Processes (API.md §3, "List: the where grammar").
 * Problems of values and keys are collected so one response lists them all; exceeding a limit
 * stops at once, since the rest of an oversized query is not worth reading.
 */
export const WHERE_LIMITS = Object.freeze({ maxDepth: 8, maxConditions: 200 });

const OPERATORS: readonly ComparisonOp[] = ['=', '!=', '>', '>=', '<', '<='];
const ORDERING: ReadonlySet<ComparisonOp> = new Set<ComparisonOp>(['>', '>=', '<', '<=']);
const OPERATOR_LIST = OPERATORS.join(', ');

interface ParseState {
  readonly ctx: WhereContext;
  readonly problems: string[];
  conditions: number;
}

type QueryObject = Record<string, unknown>;

function isQueryObject(value: unknown): value is QueryObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOperator(key: string): key is ComparisonOp {
  return (OPERATORS as readonly string[]).includes(key);
}

export async function parseWhere(where: unknown, ctx: WhereContext): Promise<WhereNode> {
  if (where === undefined || where === null) return { kind: 'and', children: [] };
  if (!isQueryObject(where)) throw invalidQuery(`where: expected a query object, got ${describeValue(where)}`);
  const state: ParseState = { ctx, problems: [], conditions: 0 };
  const node = await parseQuery(where, 'where', 1, state);
  if (state.problems.length > 0) throw invalidQuery(state.problems);
  return node;
}

/** All keys of one object combine with AND. */
async function parseQuery(query: QueryObject, path: string, depth: number, state: ParseState): Promise<WhereNode> {
  if (depth > WHERE_LIMITS.maxDepth) {
    throw invalidQuery(`${path}: a query may nest at most ${WHERE_LIMITS.maxDepth} levels deep`);
  }
  const children: WhereNode[] = [];
  for (const [key, rhs] of Object.entries(query)) {
    if (key === 'or' || key === 'and') {
      const group = await parseGroup(key, rhs, `${path}.${key}`, depth, state);
      if (group) children.push(group);
    } else {
      children.push(...(await parseCondition(key, rhs, path, state)));
    }
  }
  return { kind: 'and', children };
}

async function parseGroup(
  kind: 'or' | 'and',
  rhs: unknown,
  path: string,
  depth: number,
  state: ParseState,
): Promise<WhereNode | null> {
  if (!Array.isArray(rhs)) {
    state.problems.push(`${path}: expected an array of query objects, got ${describeValue(rhs)}`);
    return null;
  }
  // Each element holds at least one condition to be useful, so a longer list is over the limit.
  if (rhs.length > WHERE_LIMITS.maxConditions) throw tooManyConditions(path);
  const children: WhereNode[] = [];
  for (const [index, element] of rhs.entries()) {
    const elementPath = `${path}[${index}]`;
    if (isQueryObject(element)) children.push(await parseQuery(element, elementPath, depth + 1, state));
    else state.problems.push(`${elementPath}: expected a query object, got ${describeValue(element)}`);
  }
  return { kind, children };
}

function tooManyConditions(path: string): Error {
  return invalidQuery(`${path}: a query may hold at most ${WHERE_LIMITS.maxConditions} conditions`);
}

/** One `key: rhs` pair; a key that fails still counts once, so a flood of bad keys hits the limit. */
async function parseCondition(key: string, rhs: unknown, parentPath: string, state: ParseState): Promise<WhereNode[]> {
  const path = `${parentPath}.${key}`;
  const field = resolveField(key, parentPath, state.ctx);
  let nodes: WhereNode[] = [];
  if (typeof field === 'string') state.problems.push(field);
  else nodes = await parseRhs(field, rhs, path, state);
  state.conditions += Math.max(1, nodes.length);
  if (state.conditions > WHERE_LIMITS.maxConditions) throw tooManyConditions(path);
  return nodes;
}

async function parseRhs(field: FieldSpec, rhs: unknown, path: string, state: ParseState): Promise<WhereNode[]> {
  let node: WhereNode | null;
  if (Array.isArray(rhs)) node = await parseInList(field, rhs, path, state);
  else if (isQueryObject(rhs)) return parseOperators(field, rhs, path, state);
  else node = await parseComparison(field, '=', rhs, path, state);
  return node ? [node] : [];
}

/** An operator object combines its operators with AND. */
async function parseOperators(field: FieldSpec, rhs: QueryObject, path: string, state: ParseState): Promise<WhereNode[]> {
  const entries = Object.entries(rhs);
  if (entries.length === 0) {
    state.problems.push(`${path}: an operator object needs at least one of ${OPERATOR_LIST}`);
    return [];
  }
  const nodes: WhereNode[] = [];
  for (const [op, value] of entries) {
    if (!isOperator(op)) {
      state.problems.push(`${path}: unknown operator '${op}' (use ${OPERATOR_LIST})`);
      continue;
    }
    const node = await parseComparison(field, op, value, `${path}["${op}"]`, state);
    if (node) nodes.push(node);
  }
  return nodes;
}

async function parseComparison(
  field: FieldSpec,
  op: ComparisonOp,
  value: unknown,
  path: string,
  state: ParseState,
): Promise<WhereNode | null> {
  if (value === null) {
    if (op === '=' || op === '!=') return { kind: 'null', field: field.ref, negate: op === '!=' };
    state.problems.push(`${path}: '${op}' cannot compare with null`);
    return null;
  }
  if (ORDERING.has(op) && !field.ordered) {
    state.problems.push(`${path}: '${op}' cannot be used on '${field.name}' (use =, != or an array)`);
    return null;
  }
  const converted = await convertScalar(field, value, path);
  if (!converted.ok) {
    state.problems.push(converted.message);
    return null;
  }
  return { kind: 'compare', field: field.ref, op, value: converted.value };
}

async function convertScalar(field: FieldSpec, value: unknown, path: string): Promise<Converted> {
  if (!isScalar(value)) {
    return { ok: false, message: `${path}: expected a string, number, boolean or null, got ${describeValue(value)}` };
  }
  // PostgreSQL cannot store or compare text holding U+0000 (it fails the whole query), so such
  // a value is refused on every database alike.
  if (typeof value === 'string' && value.includes('\u0000')) {
    return { ok: false, message: `${path}: text cannot contain the NUL character (\\u0000)` };
  }
  return field.convert(value, path);
}

/** An array means "one of"; `[]` matches nothing. */
async function parseInList(field: FieldSpec, values: unknown[], path: string, state: ParseState): Promise<WhereNode | null> {
  if (values.length > WHERE_LIMITS.maxConditions) {
    state.problems.push(`${path}: an array may hold at most ${WHERE_LIMITS.maxConditions} values`);
    return null;
  }
  if (values.length === 0) return { kind: 'or', children: [] };
  const results = await Promise.all(values.map((value, index) => convertElement(field, value, `${path}[${index}]`)));
  const converted: Scalar[] = [];
  for (const result of results) {
    if (result.ok) converted.push(result.value);
    else state.problems.push(result.message);
  }
  return converted.length === values.length ? { kind: 'in', field: field.ref, values: converted } : null;
}

async function convertElement(field: FieldSpec, value: unknown, path: string): Promise<Converted> {
  if (value === null) {
    return { ok: false, message: `${path}: null is not allowed in an array (use "or" with "= null")` };
  }
  return convertScalar(field, value, path);
}
