import { coerceAttributeValue, type CoerceContext, type ValueReferences } from '../attributes/attribute-values.ts';
import type { AttributeModel, DerivedAttributeModel } from '../procedures/procedure-model.ts';
import { describeValue } from '../../shared/errors.ts';

/** Problems found in a written `data` object; unknown attributes get their own code. */
export interface Problems {
  unknown: string[];
  invalid: string[];
}

export const noProblems = (): Problems => ({ unknown: [], invalid: [] });

export interface DataTarget {
  readonly attributes: ReadonlyMap<string, AttributeModel>;
  readonly derived?: ReadonlyMap<string, DerivedAttributeModel>;
  /** Names the owner in messages: `procedure 'lead'`, `entity 'customer'`. */
  readonly owner: string;
  /** How messages name the object: `data`, `record.data`. */
  readonly path: string;
}

/**
 * Checks and coerces a written `data` object key by key. Returns the changes (a `null` value means
 * "remove", and is allowed only when `allowNull`), collecting every problem rather than the first.
 */
export function coerceDataChanges(
  input: unknown, target: DataTarget, ctx: CoerceContext, refs: ValueReferences, problems: Problems, allowNull: boolean,
): Map<string, unknown> {
  const changes = new Map<string, unknown>();
  if (input === undefined) return changes;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    problems.invalid.push(`${target.path}: expected an object, got ${describeValue(input)}`);
    return changes;
  }
  for (const [key, value] of Object.entries(input)) {
    const attribute = target.attributes.get(key);
    if (!attribute) {
      if (target.derived?.has(key)) problems.invalid.push(`${target.path}.${key}: is a derived attribute and cannot be written`);
      else problems.unknown.push(`Unknown attribute '${key}' for ${target.owner}`);
      continue;
    }
    if (value === null) {
      if (allowNull) changes.set(key, null);
      continue;
    }
    const result = coerceAttributeValue(attribute, value, `${target.path}.${key}`, ctx, refs);
    if (result.ok) changes.set(key, result.value);
    else problems.invalid.push(result.message);
  }
  return changes;
}

/** The stored data after the changes: `null` removes a key. */
export function mergeData(current: Readonly<Record<string, unknown>>, changes: ReadonlyMap<string, unknown>): Record<string, unknown> {
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of changes) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next;
}

/** Required attributes must hold a value after every write (CONFIG.md). */
export function missingRequired(target: DataTarget, data: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  for (const attribute of target.attributes.values()) {
    if (attribute.required && (data[attribute.shortId] === undefined || data[attribute.shortId] === null)) {
      out.push(`${target.path}.${attribute.shortId}: is required`);
    }
  }
  return out;
}

/** The keys whose stored value differs, with before and after, for the process history. */
export function diffData(before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) out[key] = { from: before[key] ?? null, to: after[key] ?? null };
  }
  return out;
}
