import { describeValue } from '../../shared/errors.ts';
import { invalidQuery } from './query.errors.ts';
import { resolveField } from './where.fields.ts';
import type { FieldRef, WhereContext } from './where.types.ts';

export interface SortKey {
  readonly field: FieldRef;
  readonly order: 'asc' | 'desc';
}

/** API.md §3: without `sort`, newest first (`createdAt` descending, then `id`). */
export const DEFAULT_SORT: readonly SortKey[] = [{ field: { kind: 'root', field: 'createdAt', valueKind: 'number' }, order: 'desc' }];

const MAX_SORT_KEYS = 5;

/**
 * Reads the `sort` extension: `[{"field": "<root field or attribute>", "order": "asc"|"desc"}]`.
 * Fields resolve exactly as `where` keys do; multi-valued attributes cannot be sorted by.
 */
export function parseSort(sort: unknown, ctx: WhereContext): readonly SortKey[] {
  if (sort === undefined || sort === null) return DEFAULT_SORT;
  if (!Array.isArray(sort) || sort.length === 0 || sort.length > MAX_SORT_KEYS) {
    throw invalidQuery(`sort: expected a list of 1 to ${MAX_SORT_KEYS} {field, order} objects, got ${describeValue(sort)}`);
  }
  const problems: string[] = [];
  const keys: SortKey[] = [];
  sort.forEach((item: unknown, i) => {
    const path = `sort[${i}]`;
    const { field, order = 'asc', ...rest } = (item ?? {}) as { field?: unknown; order?: unknown };
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return void problems.push(`${path}: expected {field, order}`);
    for (const extra of Object.keys(rest)) problems.push(`${path}.${extra}: unknown field`);
    if (order !== 'asc' && order !== 'desc') problems.push(`${path}.order: expected "asc" or "desc", got ${describeValue(order)}`);
    if (typeof field !== 'string') return void problems.push(`${path}.field: expected a field name, got ${describeValue(field)}`);
    const spec = resolveField(field, 'sort', ctx);
    if (typeof spec === 'string') return void problems.push(spec.replace(/ in sort for/, ` in ${path} for`));
    if (spec.ref.kind === 'attribute' && spec.ref.multi) return void problems.push(`${path}.field: '${field}' holds several values and cannot be sorted by`);
    keys.push({ field: spec.ref, order: order === 'desc' ? 'desc' : 'asc' });
  });
  if (problems.length > 0) throw invalidQuery(problems);
  return keys;
}
