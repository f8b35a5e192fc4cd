import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describeValue } from '../../shared/errors.ts';
import type { CoerceEnv, CoerceResult } from './attribute-values.types.ts';
import { accept } from './attribute-values.types.ts';

// ajv-formats is CommonJS; its default export arrives wrapped under Node's ESM loader.
type FormatsPlugin = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  addFormatsModule) as unknown as FormatsPlugin;

type Compiled = { validate: ValidateFunction } | { error: string };

/**
 * Compiled validators, keyed by the schema object of the attribute model. Models are cached and
 * rebuilt when the config changes, so a changed schema is a new key and the old entry is
 * collected with the old model: the cache can never serve a stale schema.
 */
const compiled = new WeakMap<object, Compiled>();

/**
 * The same strictness the config validator applies when it accepts a schema (unknown keywords
 * and formats refused; union types, tuples and `required` without `properties` allowed), so
 * every schema that passed `chakra config apply` also compiles here. A fresh Ajv per schema
 * keeps one attribute's `$id` from clashing with another's.
 */
function compile(schema: object): Compiled {
  const cached = compiled.get(schema);
  if (cached) return cached;
  const ajv = new Ajv({
    strictSchema: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    allErrors: true,
    verbose: true,
    logger: false,
  });
  addFormats(ajv);
  let entry: Compiled;
  try {
    entry = { validate: ajv.compile(schema) };
  } catch (e: unknown) {
    entry = { error: e instanceof Error ? e.message : String(e) };
  }
  compiled.set(schema, entry);
  return entry;
}

/**
 * Deepest nesting of arrays and objects in the value of a `json` (or external/custom object)
 * attribute. SQLite's JSON functions fail on values nested about 1,000 levels deep, and stored
 * values are read back by recursive code; no real document needs more than a few levels.
 */
export const MAX_JSON_VALUE_DEPTH = 32;

/** Whether `value` nests arrays/objects deeper than `max`; iterative, so any depth is safe. */
function nestedDeeperThan(value: unknown, max: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  const pending: object[] = [value];
  const depths: number[] = [1];
  while (pending.length > 0) {
    const node = pending.pop() as object;
    const depth = depths.pop() as number;
    if (depth > max) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') {
        pending.push(child as object);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

/** Any JSON value; validated against the attribute's JSON Schema when it has one. */
export function coerceJson(value: unknown, env: CoerceEnv): CoerceResult {
  if (nestedDeeperThan(value, MAX_JSON_VALUE_DEPTH)) {
    return { ok: false, message: `${env.path}: nested deeper than ${MAX_JSON_VALUE_DEPTH} levels` };
  }
  const schema = env.attribute.schema;
  if (schema === null) return accept(value);
  const entry = compile(schema);
  if ('error' in entry) return { ok: false, message: `${env.path}: the attribute's schema cannot be used: ${entry.error}` };
  if (entry.validate(value)) return accept(value);
  const first = entry.validate.errors?.[0];
  return { ok: false, message: first ? describeSchemaError(first, env.path) : `${env.path}: does not match the attribute's schema` };
}

function describeSchemaError(error: ErrorObject, path: string): string {
  const at = path + pointerToPath(error.instancePath);
  switch (error.keyword) {
    case 'required':
      return `${at}.${String(error.params.missingProperty)}: is required`;
    case 'additionalProperties':
      return `${at}.${String(error.params.additionalProperty)}: unknown field`;
    case 'type':
      return `${at}: expected ${String(error.params.type)}, got ${describeValue(error.data)}`;
    case 'enum':
      return `${at}: expected one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(error.data)}`;
    default:
      return `${at}: ${error.message ?? 'is invalid'}`;
  }
}

/** "/address/lines/0" → ".address.lines[0]". */
function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`))
    .join('');
}
