import { describeValue } from '../../shared/errors.ts';
import type { AttributeModel } from '../procedures/procedure-model.ts';

export interface CoerceContext {
  /** The team's timezone, for ISO datetimes written without an offset. */
  readonly timezone: string;
  /** Digits of the team's default country code ("91"), prefixed to phone numbers written without one. */
  readonly defaultCountryCode: string;
}

/** References a value makes to other objects; the caller checks they exist in the team. */
export interface ValueReferences {
  photos: string[];
  users: string[];
  usernames: string[];
  processes: string[];
  records: string[];
  tasks: string[];
}

export type CoerceResult = { ok: true; value: unknown } | { ok: false; message: string };

/** Everything one coercion needs besides the value. */
export interface CoerceEnv {
  readonly attribute: AttributeModel;
  readonly path: string;
  readonly ctx: CoerceContext;
  readonly refs: ValueReferences;
}

/** Takes a non-null value; returns it in its stored form or says why it cannot be stored. */
export type Coercer = (value: unknown, env: CoerceEnv) => CoerceResult;

export function emptyReferences(): ValueReferences {
  return { photos: [], users: [], usernames: [], processes: [], records: [], tasks: [] };
}

export function accept(value: unknown): CoerceResult {
  return { ok: true, value };
}

/** `data.score: expected an integer, got "abc"`. */
export function refuse(path: string, expected: string, value: unknown): CoerceResult {
  return { ok: false, message: `${path}: expected ${expected}, got ${describeValue(value)}` };
}

/** The same environment for one element of a list value: `data.tags[2]`. */
export function elementEnv(env: CoerceEnv, index: number): CoerceEnv {
  return { ...env, path: `${env.path}[${index}]` };
}

/** A single value stands for a one-item list (CONFIG.md); the list is checked element by element. */
export function coerceList(value: unknown, env: CoerceEnv, element: Coercer): CoerceResult {
  const items = Array.isArray(value) ? value : [value];
  const out: unknown[] = [];
  for (let i = 0; i < items.length; i++) {
    const result = element(items[i], elementEnv(env, i));
    if (!result.ok) return result;
    out.push(result.value);
  }
  return accept(out);
}
