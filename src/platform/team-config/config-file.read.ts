/**
 * Readers for the parsed config document. Each one records what is wrong under the field's path
 * and carries on with a fallback, so one pass reports every problem in the file, and an item
 * with a bad field still counts as existing (no "unknown role" noise after a bad role type).
 */
export type Problems = string[];
export type Mapping = Record<string, unknown>;

/** A value read from the file with the path it came from, for problems found later. */
export interface Located<T> {
  readonly value: T;
  readonly path: string;
}

export const SHORT_ID_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;
const SHORT_ID_RULE = 'a letter, then up to 62 letters, digits or underscores';

export function fieldPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

export function itemPath(path: string, index: number): string {
  return `${path}[${index}]`;
}

export function isMapping(value: unknown): value is Mapping {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function describeKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (isMapping(value)) return 'a mapping';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return 'a boolean';
  return `a ${typeof value}`;
}

// A YAML key written with no value (`attributes:`) reads as null; it means "not given".
function isAbsent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

/** Checks `value` is a mapping and reports every key not in `allowed`. */
export function readMapping(value: unknown, path: string, p: Problems, allowed: readonly string[]): Mapping | null {
  if (!isMapping(value)) {
    p.push(`${path}: expected a mapping, got ${describeKind(value)}`);
    return null;
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) p.push(`${fieldPath(path, key)}: unknown field`);
  }
  return value;
}

export function readString(m: Mapping, key: string, path: string, p: Problems, required = false): string | null {
  const value = m[key];
  const at = fieldPath(path, key);
  if (isAbsent(value)) {
    if (required) p.push(`${at}: is required`);
    return null;
  }
  if (typeof value !== 'string') {
    p.push(`${at}: expected a string, got ${describeKind(value)}`);
    return null;
  }
  return value;
}

/** A display name: optional, non-empty when given. */
export function readName(m: Mapping, path: string, p: Problems, fallback: string): string {
  const name = readString(m, 'name', path, p);
  if (name === null) return fallback;
  if (name.trim() === '') {
    p.push(`${fieldPath(path, 'name')}: must not be empty`);
    return fallback;
  }
  return name;
}

export function readBoolean(m: Mapping, key: string, path: string, p: Problems, fallback: boolean): boolean {
  const value = m[key];
  if (isAbsent(value)) return fallback;
  if (typeof value !== 'boolean') {
    p.push(`${fieldPath(path, key)}: expected true or false, got ${describeKind(value)}`);
    return fallback;
  }
  return value;
}

/** A required integer within `min`..`max`. */
export function readInteger(m: Mapping, key: string, path: string, p: Problems, min: number, max: number): number | null {
  const value = m[key];
  const at = fieldPath(path, key);
  if (isAbsent(value)) {
    p.push(`${at}: is required`);
    return null;
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const got = typeof value === 'number' ? String(value) : describeKind(value);
    p.push(`${at}: expected an integer from ${min} to ${max}, got ${got}`);
    return null;
  }
  return value;
}

export function readOneOf<T extends string>(
  m: Mapping,
  key: string,
  path: string,
  p: Problems,
  allowed: readonly T[],
): T | null {
  const value = m[key];
  const at = fieldPath(path, key);
  if (isAbsent(value)) {
    p.push(`${at}: is required`);
    return null;
  }
  if (!(allowed as readonly unknown[]).includes(value)) {
    p.push(`${at}: expected one of ${allowed.join(', ')}`);
    return null;
  }
  return value as T;
}

/** A list field; absent means empty. Items that `readItem` rejects (null) are left out. */
export function readList<T>(
  m: Mapping,
  key: string,
  path: string,
  p: Problems,
  readItem: (raw: unknown, itemAt: string) => T | null,
): Located<T>[] {
  const value = m[key];
  const at = fieldPath(path, key);
  if (isAbsent(value)) return [];
  if (!Array.isArray(value)) {
    p.push(`${at}: expected a list, got ${describeKind(value)}`);
    return [];
  }
  const items: Located<T>[] = [];
  value.forEach((raw: unknown, index) => {
    const itemAt = itemPath(at, index);
    const item = readItem(raw, itemAt);
    if (item !== null) items.push({ value: item, path: itemAt });
  });
  return items;
}

export function readStringList(m: Mapping, key: string, path: string, p: Problems): Located<string>[] {
  return readList(m, key, path, p, (raw, itemAt) => {
    if (typeof raw === 'string') return raw;
    p.push(`${itemAt}: expected a string, got ${describeKind(raw)}`);
    return null;
  });
}

/** The item's `shortId`, required. A malformed one is returned as written so duplicates still show. */
export function readShortId(m: Mapping, path: string, p: Problems): string {
  const shortId = readString(m, 'shortId', path, p, true);
  if (shortId === null) return '';
  if (!SHORT_ID_PATTERN.test(shortId)) {
    p.push(`${fieldPath(path, 'shortId')}: expected ${SHORT_ID_RULE}, got "${shortId}"`);
  }
  return shortId;
}

/** Reports the second and later items whose key repeats an earlier one. */
export function reportDuplicates<T>(
  items: readonly Located<T>[],
  field: string,
  keyOf: (value: T) => string | null,
  p: Problems,
  ignoreCase = false,
): void {
  const seen = new Set<string>();
  for (const item of items) {
    const key = keyOf(item.value);
    if (key === null || key === '') continue;
    const folded = ignoreCase ? key.toLowerCase() : key;
    if (seen.has(folded)) p.push(`${fieldPath(item.path, field)}: duplicate ${field} "${key}"`);
    seen.add(folded);
  }
}

/** Reports `value` (when given) if it is not one of `known`. */
export function checkReference(
  value: string | null,
  known: ReadonlySet<string>,
  at: string,
  what: string,
  p: Problems,
): void {
  if (value !== null && !known.has(value)) p.push(`${at}: unknown ${what} "${value}"`);
}

export function shortIdsOf(items: readonly Located<{ shortId: string }>[]): Set<string> {
  return new Set(items.map((item) => item.value.shortId));
}

export function valuesOf<T>(items: readonly Located<T>[]): T[] {
  return items.map((item) => item.value);
}
