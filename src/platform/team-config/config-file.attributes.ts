import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import jsonata from 'jsonata';
import { ATTRIBUTE_TYPES, isAttributeTypeName, type AttributeTypeName } from '../attributes/attribute-types.ts';
import {
  describeKind,
  fieldPath,
  isMapping,
  itemPath,
  readBoolean,
  readInteger,
  readList,
  readMapping,
  readName,
  readShortId,
  readString,
  reportDuplicates,
  type Located,
  type Mapping,
  type Problems,
} from './config-file.read.ts';
import type { AttributeSpec, AutoGenerateSpec, DerivedAttributeSpec } from './config-file.types.ts';

// ajv-formats is CommonJS; its default export arrives wrapped under Node's ESM loader.
type FormatsPlugin = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  addFormatsModule) as unknown as FormatsPlugin;

/** Types whose values can identify a record or process. */
export const PRIMARY_KEY_TYPES: readonly AttributeTypeName[] = ['string', 'stringId', 'integerId', 'integer', 'phone', 'email'];

const ATTRIBUTE_FIELDS = ['shortId', 'name', 'type', 'required', 'options', 'autoGenerate', 'schema'] as const;
const DERIVED_ATTRIBUTE_FIELDS = ['shortId', 'name', 'type', 'expression'] as const;
const SCHEMA_TYPES = typeNamesWhere((name) => ATTRIBUTE_TYPES[name].acceptsSchema);
const AUTO_GENERATE_TYPES = typeNamesWhere((name) => ATTRIBUTE_TYPES[name].acceptsAutoGenerate);

function typeNamesWhere(test: (name: AttributeTypeName) => boolean): string {
  return (Object.keys(ATTRIBUTE_TYPES) as AttributeTypeName[]).filter(test).join(', ');
}

/** An attribute list whose shortIds must be unique within it. */
export function readAttributeList(m: Mapping, path: string, p: Problems): Located<AttributeSpec>[] {
  const attributes = readList(m, 'attributes', path, p, (raw, at) => readAttribute(raw, at, p));
  reportDuplicates(attributes, 'shortId', (attribute) => attribute.shortId, p);
  return attributes;
}

function readAttribute(raw: unknown, path: string, p: Problems): AttributeSpec | null {
  const m = readMapping(raw, path, p, ATTRIBUTE_FIELDS);
  if (m === null) return null;
  const shortId = readShortId(m, path, p);
  const type = readType(m, path, p);
  return {
    shortId,
    name: readName(m, path, p, shortId),
    // A bad type is already reported; 'string' keeps later checks from piling on.
    type: type ?? 'string',
    required: readBoolean(m, 'required', path, p, false),
    options: readOptions(m, path, p, type),
    autoGenerate: readAutoGenerate(m, path, p, type),
    schema: readSchema(m, path, p, type),
  };
}

function readType(m: Mapping, path: string, p: Problems): AttributeTypeName | null {
  const type = readString(m, 'type', path, p, true);
  if (type === null) return null;
  if (!isAttributeTypeName(type)) {
    p.push(`${fieldPath(path, 'type')}: unknown type "${type}"`);
    return null;
  }
  return type;
}

function readOptions(m: Mapping, path: string, p: Problems, type: AttributeTypeName | null): (string | number)[] | null {
  const raw = m.options;
  const at = fieldPath(path, 'options');
  const enumOf = type === null ? undefined : ATTRIBUTE_TYPES[type].enumOf;
  if (raw === undefined || raw === null) {
    if (enumOf !== undefined) p.push(`${at}: is required for type ${type}`);
    return null;
  }
  if (type === null) return null;
  if (enumOf === undefined) {
    p.push(`${at}: only allowed on enum types, not on ${type}`);
    return null;
  }
  if (!Array.isArray(raw) || raw.length === 0) {
    p.push(`${at}: expected a non-empty list, got ${Array.isArray(raw) ? 'an empty list' : describeKind(raw)}`);
    return null;
  }
  const options: (string | number)[] = [];
  raw.forEach((option: unknown, index) => {
    const optionAt = itemPath(at, index);
    if (!isOptionOf(enumOf, option)) {
      p.push(`${optionAt}: expected ${OPTION_KIND[enumOf]}, got ${describeKind(option)}`);
    } else if (options.includes(option)) {
      p.push(`${optionAt}: duplicate option ${JSON.stringify(option)}`);
    } else {
      options.push(option);
    }
  });
  return options;
}

const OPTION_KIND = { string: 'a string', integer: 'an integer', number: 'a number' } as const;

function isOptionOf(enumOf: keyof typeof OPTION_KIND, option: unknown): option is string | number {
  if (enumOf === 'string') return typeof option === 'string';
  if (enumOf === 'integer') return Number.isSafeInteger(option);
  return typeof option === 'number' && Number.isFinite(option);
}

function readAutoGenerate(m: Mapping, path: string, p: Problems, type: AttributeTypeName | null): AutoGenerateSpec | null {
  const raw = m.autoGenerate;
  const at = fieldPath(path, 'autoGenerate');
  if (raw === undefined || raw === null || type === null) return null;
  if (!ATTRIBUTE_TYPES[type].acceptsAutoGenerate) {
    p.push(`${at}: only allowed on type ${AUTO_GENERATE_TYPES}, not on ${type}`);
    return null;
  }
  const spec = readMapping(raw, at, p, ['prefix', 'digits']);
  if (spec === null) return null;
  const prefix = readString(spec, 'prefix', at, p) ?? '';
  const digits = readInteger(spec, 'digits', at, p, 1, 18);
  return digits === null ? null : { prefix, digits };
}

function readSchema(m: Mapping, path: string, p: Problems, type: AttributeTypeName | null): Record<string, unknown> | null {
  const raw = m.schema;
  const at = fieldPath(path, 'schema');
  if (raw === undefined || raw === null || type === null) return null;
  if (!ATTRIBUTE_TYPES[type].acceptsSchema) {
    p.push(`${at}: only allowed on types ${SCHEMA_TYPES}, not on ${type}`);
    return null;
  }
  if (!isMapping(raw)) {
    p.push(`${at}: expected a JSON Schema mapping, got ${describeKind(raw)}`);
    return null;
  }
  const problem = jsonSchemaProblem(raw);
  if (problem !== null) p.push(`${at}: ${problem}`);
  return raw;
}

/**
 * Compiles with a fresh Ajv so one attribute's `$id` cannot clash with another's. Unknown
 * keywords and formats are refused: in a hand-written schema they are almost always typos.
 */
function jsonSchemaProblem(schema: Record<string, unknown>): string | null {
  const ajv = new Ajv({ strictSchema: true, strictTypes: false, strictTuples: false, strictRequired: false, logger: false });
  addFormats(ajv);
  try {
    ajv.compile(schema);
    return null;
  } catch (e: unknown) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** Derived attributes; shortIds unique among them and distinct from the procedure's attributes. */
export function readDerivedAttributeList(
  m: Mapping,
  path: string,
  p: Problems,
  attributeShortIds: ReadonlySet<string>,
): Located<DerivedAttributeSpec>[] {
  const derived = readList(m, 'derivedAttributes', path, p, (raw, at) => readDerivedAttribute(raw, at, p));
  reportDuplicates(derived, 'shortId', (attribute) => attribute.shortId, p);
  for (const { value, path: at } of derived) {
    if (attributeShortIds.has(value.shortId)) {
      p.push(`${fieldPath(at, 'shortId')}: "${value.shortId}" is already an attribute of this procedure`);
    }
  }
  return derived;
}

function readDerivedAttribute(raw: unknown, path: string, p: Problems): DerivedAttributeSpec | null {
  const m = readMapping(raw, path, p, DERIVED_ATTRIBUTE_FIELDS);
  if (m === null) return null;
  const shortId = readShortId(m, path, p);
  return {
    shortId,
    name: readName(m, path, p, shortId),
    type: readType(m, path, p) ?? 'string',
    expression: readExpression(m, path, p),
  };
}

// Compiled only: evaluation needs data and a time limit, which belong to the code that writes.
function readExpression(m: Mapping, path: string, p: Problems): string {
  const expression = readString(m, 'expression', path, p, true);
  const at = fieldPath(path, 'expression');
  if (expression === null) return '';
  if (expression.trim() === '') {
    p.push(`${at}: must not be empty`);
    return expression;
  }
  try {
    jsonata(expression);
  } catch (e: unknown) {
    p.push(`${at}: ${describeJsonataError(e)}`);
  }
  return expression;
}

function describeJsonataError(e: unknown): string {
  if (!(e instanceof Error) && (typeof e !== 'object' || e === null)) return String(e);
  const { message, position } = e as { message?: unknown; position?: unknown };
  const text = typeof message === 'string' ? message : 'invalid expression';
  return typeof position === 'number' ? `${text} at position ${position}` : text;
}
