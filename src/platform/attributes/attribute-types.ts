/**
 * The catalogue of attribute types (CONFIG.md, "Attribute types and their values"). It only
 * describes the types; value coercion lives with the code that writes values.
 */
export const ATTRIBUTE_TYPE_NAMES = [
  'string',
  'name',
  'text',
  'url',
  'html',
  'email',
  'phone',
  'stringId',
  'integerId',
  'integer',
  'number',
  'float',
  'decimal',
  'boolean',
  'stringEnum',
  'integerEnum',
  'floatEnum',
  'multiStringEnum',
  'multiIntegerEnum',
  'multiFloatEnum',
  'multiString',
  'date',
  'datetime',
  'time',
  'datetimeISO8601',
  'photo',
  'multiPhotos',
  'geolocation',
  'json',
  'externalObject',
  'customObject',
  'user',
  'process',
  'record',
  'task',
  'processCollection',
  'recordCollection',
  'taskCollection',
] as const;

export type AttributeTypeName = (typeof ATTRIBUTE_TYPE_NAMES)[number];

/** The JSON type of a stored value; `any` means any JSON value. */
export type AttributeValueType = 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object' | 'any';

/** The JSON type of an enum option. */
export type AttributeEnumValueType = 'string' | 'integer' | 'number';

export interface AttributeTypeInfo {
  /** Human label, as `GET /v1/ext/config` shows it. */
  readonly name: string;
  readonly valueType: AttributeValueType;
  /** Present on the enum types only: the type of each option. */
  readonly enumOf?: AttributeEnumValueType;
  /**
   * A list of values of one kind, where a single value may stand for a one-item list.
   * `geolocation` is array-valued too but is a fixed `[lat, lng]` pair, so it is not multi.
   */
  readonly multi: boolean;
  readonly acceptsSchema: boolean;
  readonly acceptsAutoGenerate: boolean;
}

interface InfoOptions {
  enumOf?: AttributeEnumValueType;
  multi?: boolean;
  acceptsSchema?: boolean;
  acceptsAutoGenerate?: boolean;
}

function info(name: string, valueType: AttributeValueType, options: InfoOptions = {}): AttributeTypeInfo {
  return Object.freeze({
    name,
    valueType,
    ...(options.enumOf === undefined ? {} : { enumOf: options.enumOf }),
    multi: options.multi ?? false,
    acceptsSchema: options.acceptsSchema ?? false,
    acceptsAutoGenerate: options.acceptsAutoGenerate ?? false,
  });
}

const MULTI = { multi: true } as const;
const SCHEMA = { acceptsSchema: true } as const;

// Date, datetime and time are stored as integer epoch ms (time: ms since midnight); the
// reference types (photo, user, process…) are stored as UUID strings.
export const ATTRIBUTE_TYPES: Readonly<Record<AttributeTypeName, AttributeTypeInfo>> = Object.freeze({
  string: info('String', 'string'),
  name: info('Name', 'string'),
  text: info('Text', 'string'),
  url: info('URL', 'string'),
  html: info('HTML', 'string'),
  email: info('Email', 'string'),
  phone: info('Phone', 'string'),
  stringId: info('String ID', 'string', { acceptsAutoGenerate: true }),
  integerId: info('Integer ID', 'integer'),
  integer: info('Integer', 'integer'),
  number: info('Number', 'integer'),
  float: info('Float', 'number'),
  decimal: info('Decimal', 'number'),
  boolean: info('Boolean', 'boolean'),
  stringEnum: info('String enum', 'string', { enumOf: 'string' }),
  integerEnum: info('Integer enum', 'integer', { enumOf: 'integer' }),
  floatEnum: info('Float enum', 'number', { enumOf: 'number' }),
  multiStringEnum: info('Multi string enum', 'array', { enumOf: 'string', multi: true }),
  multiIntegerEnum: info('Multi integer enum', 'array', { enumOf: 'integer', multi: true }),
  multiFloatEnum: info('Multi float enum', 'array', { enumOf: 'number', multi: true }),
  multiString: info('Multi string', 'array', MULTI),
  date: info('Date', 'integer'),
  datetime: info('Datetime', 'integer'),
  time: info('Time', 'integer'),
  datetimeISO8601: info('Datetime (ISO 8601)', 'string'),
  photo: info('Photo', 'string'),
  multiPhotos: info('Multi photos', 'array', MULTI),
  geolocation: info('Geolocation', 'array'),
  json: info('JSON', 'any', SCHEMA),
  externalObject: info('External object', 'any', SCHEMA),
  customObject: info('Custom object', 'any', SCHEMA),
  user: info('User', 'string'),
  process: info('Process', 'string'),
  record: info('Record', 'string'),
  task: info('Task', 'string'),
  processCollection: info('Process collection', 'array', MULTI),
  recordCollection: info('Record collection', 'array', MULTI),
  taskCollection: info('Task collection', 'array', MULTI),
});

export function isAttributeTypeName(x: unknown): x is AttributeTypeName {
  return typeof x === 'string' && Object.hasOwn(ATTRIBUTE_TYPES, x);
}
