import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';
import { describeValue } from '../shared/errors.ts';

// ajv-formats is CommonJS; its default export arrives wrapped under Node's ESM loader.
type FormatsPlugin = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  addFormatsModule) as unknown as FormatsPlugin;

function createAjv(coerceTypes: boolean | 'array'): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    // Keeps the offending value on each error, so messages can say what was sent.
    verbose: true,
    coerceTypes,
    // Unknown fields must be refused (400), never silently dropped.
    removeAdditional: false,
    useDefaults: true,
    strict: false,
  });
  addFormats(ajv);
  return ajv;
}

/**
 * Bodies are validated strictly (a string where a number is expected is an error: numeric
 * strings inside `data` are coerced later, by attribute type, with better messages). Query
 * strings, params and headers are text on the wire, so they are coerced.
 */
export function createValidatorCompiler(): FastifySchemaCompiler<FastifySchema> {
  const strict = createAjv(false);
  const coercing = createAjv('array');
  return ({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema as object);
}

/** Turns Ajv errors into messages that name the field: `data.firstName: expected string`. */
export function describeValidationErrors(errors: readonly ErrorObject[], part: string): string[] {
  const messages = mergeTypeAlternatives(errors).map((e) => {
    const field = fieldPath(e, part);
    switch (e.keyword) {
      case 'additionalProperties':
        return `${joinPath(field, String(e.params.additionalProperty))}: unknown field`;
      case 'required':
        return `${joinPath(field, String(e.params.missingProperty))}: is required`;
      case 'type':
        return `${field || part}: expected ${String(e.params.type)}, got ${sentValue(e.data)}`;
      case 'enum':
        return `${field || part}: expected one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
      default:
        // Ajv's own words ("must be <= 9007199254740991"), with what was sent when Ajv kept it.
        return `${field || part}: ${e.message ?? 'is invalid'}${'data' in e && isPrintable(e.data) ? `, got ${sentValue(e.data)}` : ''}`;
    }
  });
  return [...new Set(messages)];
}

/**
 * A value matching no member of a union gets an error per member plus one for the union; when
 * every member only wanted another type, one message says so: `expected number or string`.
 */
function mergeTypeAlternatives(errors: readonly ErrorObject[]): readonly ErrorObject[] {
  let out = errors;
  for (const union of errors.filter((e) => e.keyword === 'anyOf')) {
    const members = out.filter((e) => e.schemaPath.startsWith(`${union.schemaPath}/`));
    if (members.length === 0 || !members.every((e) => e.keyword === 'type' && e.instancePath === union.instancePath)) continue;
    const merged: ErrorObject = { ...union, keyword: 'type', params: { type: members.map((e) => String(e.params.type)).join(' or ') } };
    out = out.filter((e) => !members.includes(e)).map((e) => (e === union ? merged : e));
  }
  return out;
}

/** Scalars only: an object or array sent whole would say little and could be long. */
const isPrintable = (value: unknown): boolean => value === null || ['string', 'number', 'boolean'].includes(typeof value);

/** JSON writes Infinity (what 1e400 parses to) as null: numbers are named as they are. */
const sentValue = (value: unknown): string => (typeof value === 'number' ? String(value) : describeValue(value));

function fieldPath(error: ErrorObject, part: string): string {
  const segments = error.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const path = segments.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
  // Query-string and path fields are named alone (`limit`), as clients wrote them.
  return path || (part === 'body' ? '' : '');
}

function joinPath(base: string, name: string): string {
  return base ? `${base}.${name}` : name;
}
