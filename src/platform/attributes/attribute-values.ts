/**
 * The attribute value type system (CONFIG.md, "Attribute types and their values"): one pure
 * coercer per attribute type turns a written value into its stored, canonical form or says
 * why it cannot be stored. `null` (remove the value) is the caller's business; the functions
 * here answer `null` for it so they are safe to call with anything.
 */
import type { AttributeModel } from '../procedures/procedure-model.ts';
import type { AttributeTypeName } from './attribute-types.ts';
import { ATTRIBUTE_TYPES, isAttributeTypeName } from './attribute-types.ts';
import { coerceJson } from './attribute-values.json.ts';
import {
  coerceGeolocation,
  coerceOption,
  coerceOptionList,
  coerceStringList,
  coerceUser,
  uuidReference,
  uuidReferenceList,
} from './attribute-values.objects.ts';
import {
  coerceBoolean,
  coerceEmail,
  coerceFloat,
  coerceInteger,
  coercePhone,
  coerceString,
  coerceStringId,
  coerceUrl,
} from './attribute-values.scalars.ts';
import { coerceInstant, coerceIsoDatetime, coerceTimeOfDay } from './attribute-values.time.ts';
import type { CoerceContext, CoerceResult, Coercer, ValueReferences } from './attribute-values.types.ts';
import { accept, emptyReferences, refuse } from './attribute-values.types.ts';

export type { CoerceContext, CoerceResult, ValueReferences } from './attribute-values.types.ts';
export { emptyReferences } from './attribute-values.types.ts';

const COERCERS: Readonly<Record<AttributeTypeName, Coercer>> = {
  string: coerceString,
  name: coerceString,
  text: coerceString,
  url: coerceUrl,
  html: coerceString,
  email: coerceEmail,
  phone: coercePhone,
  stringId: coerceStringId,
  integerId: coerceInteger,
  integer: coerceInteger,
  number: coerceInteger,
  float: coerceFloat,
  decimal: coerceFloat,
  boolean: coerceBoolean,
  stringEnum: coerceOption,
  integerEnum: coerceOption,
  floatEnum: coerceOption,
  multiStringEnum: coerceOptionList,
  multiIntegerEnum: coerceOptionList,
  multiFloatEnum: coerceOptionList,
  multiString: coerceStringList,
  date: coerceInstant,
  datetime: coerceInstant,
  time: coerceTimeOfDay,
  datetimeISO8601: coerceIsoDatetime,
  photo: uuidReference('photos', 'a photo'),
  multiPhotos: uuidReferenceList('photos', 'a photo'),
  geolocation: coerceGeolocation,
  json: coerceJson,
  externalObject: coerceJson,
  customObject: coerceJson,
  user: coerceUser,
  process: uuidReference('processes', 'a process'),
  record: uuidReference('records', 'a record'),
  task: uuidReference('tasks', 'a task'),
  processCollection: uuidReferenceList('processes', 'a process'),
  recordCollection: uuidReferenceList('records', 'a record'),
  taskCollection: uuidReferenceList('tasks', 'a task'),
};

/** What one element of a multi type is compared as, in the where grammar. */
const ELEMENT_COERCERS: Readonly<Partial<Record<AttributeTypeName, Coercer>>> = {
  multiStringEnum: coerceOption,
  multiIntegerEnum: coerceOption,
  multiFloatEnum: coerceOption,
  multiString: coerceString,
  multiPhotos: COERCERS.photo,
  processCollection: COERCERS.process,
  recordCollection: COERCERS.record,
  taskCollection: COERCERS.task,
};

function unknownType(type: unknown, path: string): CoerceResult {
  return { ok: false, message: `${path}: unknown attribute type ${JSON.stringify(type)}` };
}

/**
 * Checks and coerces a written value. References to photos, users, processes, records and tasks
 * are collected in `refs`: the caller checks they exist in the team (and replaces usernames
 * with user UUIDs) before storing.
 */
export function coerceAttributeValue(
  attribute: AttributeModel,
  value: unknown,
  path: string,
  ctx: CoerceContext,
  refs: ValueReferences,
): CoerceResult {
  if (value === null || value === undefined) return accept(null);
  if (!isAttributeTypeName(attribute.type)) return unknownType(attribute.type, path);
  return COERCERS[attribute.type](value, { attribute, path, ctx, refs });
}

/**
 * For the where grammar: coerces a value compared with an attribute, returning it in its stored
 * form. Same rules as a write, except: a multi type compares one element; enum options are not
 * enforced when `operator` is "!=" (excluding a value that cannot occur is harmless); a schema
 * is not applied (a compared value need not be a whole valid document); a username given for a
 * `user` attribute is returned as written and the caller resolves it to the user's UUID.
 */
export function coerceComparisonValue(
  attribute: AttributeModel,
  value: unknown,
  path: string,
  ctx: CoerceContext,
  operator?: string,
): CoerceResult {
  if (value === null || value === undefined) return accept(null);
  if (!isAttributeTypeName(attribute.type)) return unknownType(attribute.type, path);
  const compared: AttributeModel = {
    ...attribute,
    options: operator === '!=' ? null : attribute.options,
    schema: null,
  };
  const element = ELEMENT_COERCERS[attribute.type];
  if (element !== undefined && Array.isArray(value)) return refuse(path, 'a single value to look for', value);
  const coercer = element ?? COERCERS[attribute.type];
  return coercer(value, { attribute: compared, path, ctx, refs: emptyReferences() });
}

const NUMERIC_TYPES: ReadonlySet<AttributeTypeName> = new Set(['date', 'datetime', 'time']);
const UNCOMPARABLE_TYPES: ReadonlySet<AttributeTypeName> = new Set(['json', 'externalObject', 'customObject', 'geolocation']);

/**
 * How stored values of this type compare in SQL. Multi types compare by element. An ISO-8601
 * datetime compares as text, which orders correctly only between values of the same offset.
 */
export function comparisonKind(type: AttributeTypeName): 'number' | 'text' | 'boolean' | 'none' {
  if (!isAttributeTypeName(type) || UNCOMPARABLE_TYPES.has(type)) return 'none';
  if (NUMERIC_TYPES.has(type)) return 'number';
  const info = ATTRIBUTE_TYPES[type];
  const scalar = info.enumOf ?? info.valueType;
  if (scalar === 'integer' || scalar === 'number') return 'number';
  if (scalar === 'boolean') return 'boolean';
  return 'text';
}

/**
 * Checks a derived attribute's result against its declared type, with the coercions a write
 * would make. Derived attributes have no options or schema, so an enum type accepts any value
 * of its option type; references are not checked.
 */
export function checkDerivedValue(type: AttributeTypeName, value: unknown, path: string, ctx: CoerceContext): CoerceResult {
  if (value === null || value === undefined) return accept(null);
  const attribute: AttributeModel = {
    id: '',
    shortId: path,
    name: path,
    type,
    required: false,
    options: null,
    autoGenerate: null,
    schema: null,
  };
  return coerceAttributeValue(attribute, value, path, ctx, emptyReferences());
}
