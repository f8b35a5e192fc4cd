import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ATTRIBUTE_TYPE_NAMES, type AttributeTypeName } from '../../../src/platform/attributes/attribute-types.ts';
import {
  checkDerivedValue,
  coerceAttributeValue,
  coerceComparisonValue,
  comparisonKind,
  emptyReferences,
  type CoerceContext,
  type CoerceResult,
  type ValueReferences,
} from '../../../src/platform/attributes/attribute-values.ts';
import type { AttributeModel } from '../../../src/platform/procedures/procedure-model.ts';

const ctx: CoerceContext = { timezone: '+05:30', defaultCountryCode: '91' };
const PATH = 'data.v';
const CITIES = ['Pune', 'Delhi', 'Mumbai', 'Goa', 'Tokyo'];
const PHOTO = '0190f0d2-8c3a-7b1e-9a2b-3c4d5e6f7a8b';
const OTHER = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';

type Extra = Partial<Pick<AttributeModel, 'options' | 'schema' | 'id'>>;

function attribute(type: AttributeTypeName, extra: Extra = {}): AttributeModel {
  return { id: `attr-${type}`, shortId: 'v', name: 'V', type, required: false, options: null, autoGenerate: null, schema: null, ...extra };
}

function coerce(type: AttributeTypeName, value: unknown, extra: Extra = {}, context = ctx): { result: CoerceResult; refs: ValueReferences } {
  const refs = emptyReferences();
  return { result: coerceAttributeValue(attribute(type, extra), value, PATH, context, refs), refs };
}

function optionsFor(type: AttributeTypeName): Extra {
  if (/integerEnum/i.test(type)) return { options: [1, 2, 3] };
  if (/floatEnum/i.test(type)) return { options: [0.5, 1.5] };
  return type.includes('Enum') ? { options: CITIES } : {};
}

const LONG = 'x'.repeat(65_535);

// [type, written, stored]
const ACCEPTED: [AttributeTypeName, unknown, unknown][] = [
  ['string', 'hello', 'hello'],
  ['string', 42, '42'],
  ['string', true, 'true'],
  ['string', '', ''],
  ['string', LONG, LONG],
  ['name', 'Priya Shah', 'Priya Shah'],
  ['text', 'a\nb', 'a\nb'],
  ['html', '<b>hi</b>', '<b>hi</b>'],
  ['url', 'https://example.com/a?b=1', 'https://example.com/a?b=1'],
  ['url', ' http://example.com ', 'http://example.com'],
  ['email', ' Priya@ACME.Example.COM ', 'Priya@acme.example.com'],
  ['phone', '9900112233', '919900112233'],
  ['phone', '+91 99001-12233', '919900112233'],
  ['phone', '+1 (415) 555.0100', '14155550100'],
  ['phone', '415.555.0100', '914155550100'],
  ['phone', '919900112233', '919900112233'],
  ['phone', 9900112233, '919900112233'],
  ['stringId', ' LEAD-1 ', 'LEAD-1'],
  ['stringId', 105, '105'],
  ['integerId', 7, 7],
  ['integer', '105', 105],
  ['integer', ' 42 ', 42],
  ['integer', '-3', -3],
  ['number', -0, 0],
  ['number', 9_007_199_254_740_991, 9_007_199_254_740_991],
  ['float', 1.5, 1.5],
  ['float', '1.5', 1.5],
  ['decimal', ' -2.25e2 ', -225],
  ['decimal', 3, 3],
  ['boolean', true, true],
  ['boolean', false, false],
  ['boolean', 'TRUE', true],
  ['boolean', 'false', false],
  ['boolean', 1, true],
  ['boolean', '0', false],
  ['stringEnum', 'Goa', 'Goa'],
  ['integerEnum', '2', 2],
  ['integerEnum', 3, 3],
  ['floatEnum', '1.5', 1.5],
  ['multiStringEnum', 'Pune', ['Pune']],
  ['multiStringEnum', ['Goa', 'Pune', 'Goa'], ['Goa', 'Pune']],
  ['multiStringEnum', [], []],
  ['multiIntegerEnum', ['1', 2, 1], [1, 2]],
  ['multiFloatEnum', [1.5, '0.5'], [1.5, 0.5]],
  ['multiString', 'one', ['one']],
  ['multiString', ['a', 2, 'a'], ['a', '2', 'a']],
  ['date', 1_700_000_000_000, 1_700_000_000_000],
  ['date', '1700000000000', 1_700_000_000_000],
  ['date', '2023-11-15', Date.UTC(2023, 10, 14, 18, 30)],
  ['datetime', '2023-11-15T09:30:00', Date.UTC(2023, 10, 15, 4, 0)],
  ['datetime', '2021-09-16T18:34:58.108+05:30', Date.UTC(2021, 8, 16, 13, 4, 58, 108)],
  ['datetime', '2021-09-16T13:04:58.108Z', Date.UTC(2021, 8, 16, 13, 4, 58, 108)],
  ['datetime', '1000-01-01T00:00:00Z', Date.UTC(1000, 0, 1)],
  ['time', '09:30', 34_200_000],
  ['time', '23:59:59.999', 86_399_999],
  ['time', '9:05:07.5', 32_707_500],
  ['time', 0, 0],
  ['time', '3600000', 3_600_000],
  ['datetimeISO8601', '2021-09-16T13:04:58.108Z', '2021-09-16T18:34:58.108+05:30'],
  ['datetimeISO8601', '2023-11-15T09:30', '2023-11-15T09:30:00.000+05:30'],
  ['datetimeISO8601', Date.UTC(2021, 8, 16, 13, 4, 58, 108), '2021-09-16T18:34:58.108+05:30'],
  ['photo', PHOTO.toUpperCase(), PHOTO],
  ['multiPhotos', PHOTO, [PHOTO]],
  ['multiPhotos', [PHOTO, OTHER], [PHOTO, OTHER]],
  ['geolocation', [18.52, 73.85], [18.52, 73.85]],
  ['geolocation', { lat: '18.52', lng: '73.85' }, [18.52, 73.85]],
  ['geolocation', { latitude: -90, longitude: 180 }, [-90, 180]],
  ['json', { any: ['thing', 1, null] }, { any: ['thing', 1, null] }],
  ['json', 'text', 'text'],
  ['externalObject', [1, 2], [1, 2]],
  ['customObject', 0, 0],
  ['user', OTHER, OTHER],
  ['user', 'john', 'john'],
  ['process', PHOTO, PHOTO],
  ['record', OTHER, OTHER],
  ['task', PHOTO, PHOTO],
  ['processCollection', PHOTO, [PHOTO]],
  ['recordCollection', [OTHER, PHOTO], [OTHER, PHOTO]],
  ['taskCollection', [], []],
];

// [type, written, message]
const REFUSED: [AttributeTypeName, unknown, string][] = [
  ['string', { a: 1 }, 'data.v: expected a string, got an object'],
  ['name', ['a'], 'data.v: expected a string, got an array'],
  ['text', `${LONG}y`, 'data.v: expected at most 65,535 characters, got 65,536'],
  ['html', { tag: 'b' }, 'data.v: expected a string, got an object'],
  ['url', 'example.com', 'data.v: expected an absolute http(s) URL, got "example.com"'],
  ['url', 'ftp://example.com/f', 'data.v: expected an absolute http(s) URL, got "ftp://example.com/f"'],
  ['email', 'priya@acme', 'data.v: expected an email address, got "priya@acme"'],
  ['email', 'pri ya@acme.com', 'data.v: expected an email address, got "pri ya@acme.com"'],
  ['email', 12, 'data.v: expected an email address, got 12'],
  ['phone', '12345', 'data.v: expected a phone number of 6 to 15 digits, got "12345"'],
  ['phone', '1234567890123456', 'data.v: expected a phone number of 6 to 15 digits, got "1234567890123456"'],
  ['phone', 'call me', 'data.v: expected a phone number of 6 to 15 digits, got "call me"'],
  ['stringId', '  ', 'data.v: expected a non-empty string of at most 255 characters, got "  "'],
  ['stringId', true, 'data.v: expected a non-empty string of at most 255 characters, got true'],
  ['integer', 'abc', 'data.v: expected an integer, got "abc"'],
  ['integer', '1.5', 'data.v: expected an integer, got "1.5"'],
  ['number', 1.5, 'data.v: expected an integer, got 1.5'],
  ['integerId', '', 'data.v: expected an integer, got ""'],
  ['integer', true, 'data.v: expected an integer, got true'],
  ['integer', 2 ** 53, 'data.v: expected an integer, got 9007199254740992'],
  ['float', 'abc', 'data.v: expected a number, got "abc"'],
  ['decimal', '', 'data.v: expected a number, got ""'],
  ['float', Number.NaN, 'data.v: expected a number, got null'],
  ['float', 'Infinity', 'data.v: expected a number, got "Infinity"'],
  ['boolean', 'yes', 'data.v: expected true or false, got "yes"'],
  ['boolean', 2, 'data.v: expected true or false, got 2'],
  ['stringEnum', 'Paris', 'data.v: expected one of Pune, Delhi, Mumbai, Goa, Tokyo, got "Paris"'],
  ['integerEnum', 4, 'data.v: expected one of 1, 2, 3, got 4'],
  ['integerEnum', 'abc', 'data.v: expected one of 1, 2, 3, got "abc"'],
  ['floatEnum', 2.5, 'data.v: expected one of 0.5, 1.5, got 2.5'],
  ['multiStringEnum', ['Goa', 'Paris'], 'data.v[1]: expected one of Pune, Delhi, Mumbai, Goa, Tokyo, got "Paris"'],
  ['multiIntegerEnum', [1, 'x'], 'data.v[1]: expected one of 1, 2, 3, got "x"'],
  ['multiFloatEnum', 'half', 'data.v[0]: expected one of 0.5, 1.5, got "half"'],
  ['multiString', ['a', { b: 1 }], 'data.v[1]: expected a string, got an object'],
  ['date', 'yesterday', 'data.v: expected a date (epoch ms or ISO-8601, years 1000 to 9999), got "yesterday"'],
  ['date', '2021-02-30', 'data.v: expected a date (epoch ms or ISO-8601, years 1000 to 9999), got "2021-02-30"'],
  ['datetime', '0999-12-31T00:00:00Z', 'data.v: expected a date (epoch ms or ISO-8601, years 1000 to 9999), got "0999-12-31T00:00:00Z"'],
  ['datetime', 1.5, 'data.v: expected a date (epoch ms or ISO-8601, years 1000 to 9999), got 1.5'],
  ['datetime', Date.UTC(10000, 0, 1), 'data.v: expected a date (epoch ms or ISO-8601, years 1000 to 9999), got 253402300800000'],
  ['time', 86_400_000, 'data.v: expected a time of day (ms since midnight, or HH:MM[:SS[.mmm]]), got 86400000'],
  ['time', '24:00', 'data.v: expected a time of day (ms since midnight, or HH:MM[:SS[.mmm]]), got "24:00"'],
  ['time', '12:60', 'data.v: expected a time of day (ms since midnight, or HH:MM[:SS[.mmm]]), got "12:60"'],
  ['time', -1, 'data.v: expected a time of day (ms since midnight, or HH:MM[:SS[.mmm]]), got -1'],
  ['datetimeISO8601', '16/09/2021', 'data.v: expected an ISO-8601 datetime or epoch ms (years 1000 to 9999), got "16/09/2021"'],
  ['photo', 'photo-1', 'data.v: expected the UUID of a photo, got "photo-1"'],
  ['multiPhotos', [PHOTO, 7], 'data.v[1]: expected the UUID of a photo, got 7'],
  ['geolocation', [95, 10], 'data.v: expected [lat, lng] with lat in -90..90 and lng in -180..180, got an array'],
  ['geolocation', { lat: 10 }, 'data.v: expected [lat, lng] with lat in -90..90 and lng in -180..180, got an object'],
  ['geolocation', [1, 2, 3], 'data.v: expected [lat, lng] with lat in -90..90 and lng in -180..180, got an array'],
  ['geolocation', '18.5,73.8', 'data.v: expected [lat, lng] with lat in -90..90 and lng in -180..180, got "18.5,73.8"'],
  ['user', 'not a user!', 'data.v: expected a user UUID or username, got "not a user!"'],
  ['user', 5, 'data.v: expected a user UUID or username, got 5'],
  ['process', 'LEAD-1', 'data.v: expected the UUID of a process, got "LEAD-1"'],
  ['record', 12, 'data.v: expected the UUID of a record, got 12'],
  ['task', {}, 'data.v: expected the UUID of a task, got an object'],
  ['processCollection', { id: PHOTO }, 'data.v[0]: expected the UUID of a process, got an object'],
  ['recordCollection', [null], 'data.v[0]: expected the UUID of a record, got null'],
  ['taskCollection', [PHOTO, 'x'], 'data.v[1]: expected the UUID of a task, got "x"'],
];

describe('attribute values: what a write may send and how it is stored', () => {
  for (const [type, written, stored] of ACCEPTED) {
    it(`${type} accepts ${JSON.stringify(written)?.slice(0, 40)}`, () => {
      assert.deepEqual(coerce(type, written, optionsFor(type)).result, { ok: true, value: stored });
    });
  }

  for (const [type, written, message] of REFUSED) {
    it(`${type} refuses ${JSON.stringify(written)?.slice(0, 40)}`, () => {
      assert.deepEqual(coerce(type, written, optionsFor(type)).result, { ok: false, message });
    });
  }

  it('covers every type of the catalogue with accepted and refused inputs', () => {
    const refusable = new Set(['json', 'externalObject', 'customObject']); // any JSON without a schema
    for (const type of ATTRIBUTE_TYPE_NAMES) {
      assert.ok(ACCEPTED.some(([t]) => t === type), `${type} accepted`);
      if (!refusable.has(type)) assert.ok(REFUSED.some(([t]) => t === type), `${type} refused`);
    }
  });

  it('treats null as no value and refuses types outside the catalogue', () => {
    assert.deepEqual(coerce('integer', null).result, { ok: true, value: null });
    const odd = { ...attribute('string'), type: 'money' as AttributeTypeName };
    assert.deepEqual(coerceAttributeValue(odd, 5, 'data.price', ctx, emptyReferences()), {
      ok: false,
      message: 'data.price: unknown attribute type "money"',
    });
  });

  it('names the path it is given', () => {
    assert.deepEqual(coerceAttributeValue(attribute('integer'), 'abc', 'data.score', ctx, emptyReferences()), {
      ok: false,
      message: 'data.score: expected an integer, got "abc"',
    });
  });
});

describe('phone numbers and the team country code', () => {
  it('prefixes the code only to local numbers written without +', () => {
    assert.deepEqual(coerce('phone', '99001 12233').result, { ok: true, value: '919900112233' });
    assert.deepEqual(coerce('phone', '+99001 12233').result, { ok: true, value: '9900112233' });
    assert.deepEqual(coerce('phone', '14155550100').result, { ok: true, value: '14155550100' });
  });

  it('keeps the digits as written when the team has no country code', () => {
    const noCode = { timezone: 'UTC', defaultCountryCode: '' };
    assert.deepEqual(coerce('phone', '9900112233', {}, noCode).result, { ok: true, value: '9900112233' });
  });

  it('uses whichever code the team has', () => {
    const us = { timezone: 'UTC', defaultCountryCode: '1' };
    assert.deepEqual(coerce('phone', '(415) 555-0100', {}, us).result, { ok: true, value: '14155550100' });
  });
});

describe('dates in the team timezone', () => {
  it('reads ISO datetimes without an offset in the team zone, with one as written', () => {
    const kolkata = { timezone: 'Asia/Kolkata', defaultCountryCode: '' };
    const utc = { timezone: 'UTC', defaultCountryCode: '' };
    assert.deepEqual(coerce('datetime', '2023-11-15T09:30:00', {}, kolkata).result, { ok: true, value: Date.UTC(2023, 10, 15, 4, 0) });
    assert.deepEqual(coerce('datetime', '2023-11-15T09:30:00', {}, utc).result, { ok: true, value: Date.UTC(2023, 10, 15, 9, 30) });
    assert.deepEqual(coerce('datetime', '2023-11-15T09:30:00-05:00', {}, kolkata).result, { ok: true, value: Date.UTC(2023, 10, 15, 14, 30) });
  });

  it('renders datetimeISO8601 values in the team zone', () => {
    const ny = { timezone: 'America/New_York', defaultCountryCode: '' };
    assert.deepEqual(coerce('datetimeISO8601', '2021-01-01T12:00:00Z', {}, ny).result, { ok: true, value: '2021-01-01T07:00:00.000-05:00' });
  });
});

describe('JSON values with a schema', () => {
  const person = {
    type: 'object',
    properties: { name: { type: 'string' }, age: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } },
    required: ['name'],
    additionalProperties: false,
  };
  const cases: [unknown, string][] = [
    [{ age: 3 }, 'data.v.name: is required'],
    [{ name: 'a', age: 'x' }, 'data.v.age: expected integer, got "x"'],
    [{ name: 'a', extra: 1 }, 'data.v.extra: unknown field'],
    [{ name: 'a', tags: ['ok', 2] }, 'data.v.tags[1]: expected string, got 2'],
    ['just text', 'data.v: expected object, got "just text"'],
  ];

  it('stores a value that matches', () => {
    const value = { name: 'Priya', age: 30, tags: ['vip'] };
    assert.deepEqual(coerce('json', value, { schema: person }).result, { ok: true, value });
  });

  for (const [value, message] of cases) {
    it(`refuses ${JSON.stringify(value)} naming the failing path`, () => {
      assert.deepEqual(coerce('customObject', value, { schema: person }).result, { ok: false, message });
    });
  }

  it('checks formats and accepts every schema the config file accepts (union types)', () => {
    const email = { type: 'string', format: 'email' };
    assert.deepEqual(coerce('externalObject', 'a@b.co', { schema: email }).result, { ok: true, value: 'a@b.co' });
    assert.deepEqual(coerce('externalObject', 'nope', { schema: email }).result, { ok: false, message: 'data.v: must match format "email"' });
    const nullable = { type: ['string', 'null'] };
    assert.deepEqual(coerce('json', 'x', { schema: nullable }).result, { ok: true, value: 'x' });
    assert.deepEqual(coerce('json', 5, { schema: nullable }).result, { ok: false, message: 'data.v: expected string,null, got 5' });
  });

  it('follows a changed schema of the same attribute', () => {
    assert.equal(coerce('json', 5, { id: 'same', schema: { type: 'integer' } }).result.ok, true);
    assert.equal(coerce('json', 5, { id: 'same', schema: { type: 'string' } }).result.ok, false);
  });
});

describe('references collected for the caller to check', () => {
  it('collects photos, users, usernames, processes, records and tasks, lower-cased', () => {
    const refs = emptyReferences();
    const write = (type: AttributeTypeName, value: unknown) => coerceAttributeValue(attribute(type), value, PATH, ctx, refs);
    write('photo', PHOTO.toUpperCase());
    write('multiPhotos', [OTHER]);
    write('user', OTHER);
    write('user', 'priya');
    write('process', PHOTO);
    write('recordCollection', [OTHER, PHOTO]);
    write('taskCollection', OTHER);
    assert.deepEqual(refs, {
      photos: [PHOTO, OTHER],
      users: [OTHER],
      usernames: ['priya'],
      processes: [PHOTO],
      records: [OTHER, PHOTO],
      tasks: [OTHER],
    });
  });

  it('collects nothing from a refused value', () => {
    const { result, refs } = coerce('photo', 'photo-1');
    assert.equal(result.ok, false);
    assert.deepEqual(refs, emptyReferences());
  });
});

describe('comparison values for the where grammar', () => {
  const compare = (type: AttributeTypeName, value: unknown, operator?: string, extra: Extra = optionsFor(type)) =>
    coerceComparisonValue(attribute(type, extra), value, 'where.v', ctx, operator);

  it('coerces like a write, in the stored form', () => {
    assert.deepEqual(compare('integer', '105'), { ok: true, value: 105 });
    assert.deepEqual(compare('datetime', '2023-11-15T09:30:00', '>='), { ok: true, value: Date.UTC(2023, 10, 15, 4, 0) });
    assert.deepEqual(compare('integer', 'abc', '>'), { ok: false, message: 'where.v: expected an integer, got "abc"' });
  });

  it('enforces enum options except for !=', () => {
    assert.deepEqual(compare('stringEnum', 'Paris', '='), {
      ok: false,
      message: 'where.v: expected one of Pune, Delhi, Mumbai, Goa, Tokyo, got "Paris"',
    });
    assert.deepEqual(compare('stringEnum', 'Paris', '!='), { ok: true, value: 'Paris' });
    assert.deepEqual(compare('integerEnum', '9', '!='), { ok: true, value: 9 });
    assert.equal(compare('integerEnum', 'x', '!=').ok, false);
  });

  it('compares one element of a multi type', () => {
    assert.deepEqual(compare('multiStringEnum', 'Goa'), { ok: true, value: 'Goa' });
    assert.deepEqual(compare('multiIntegerEnum', '2'), { ok: true, value: 2 });
    assert.deepEqual(compare('multiPhotos', PHOTO.toUpperCase()), { ok: true, value: PHOTO });
    assert.deepEqual(compare('multiString', ['a']), { ok: false, message: 'where.v: expected a single value to look for, got an array' });
  });

  it('does not apply a schema to compared values and keeps usernames for the caller', () => {
    assert.deepEqual(compare('json', 'x', '=', { schema: { type: 'object' } }), { ok: true, value: 'x' });
    assert.deepEqual(compare('user', 'john'), { ok: true, value: 'john' });
  });
});

describe('comparison kinds', () => {
  const expected: Record<AttributeTypeName, string> = {
    string: 'text', name: 'text', text: 'text', url: 'text', html: 'text', email: 'text', phone: 'text',
    stringId: 'text', integerId: 'number', integer: 'number', number: 'number', float: 'number', decimal: 'number',
    boolean: 'boolean', stringEnum: 'text', integerEnum: 'number', floatEnum: 'number', multiStringEnum: 'text',
    multiIntegerEnum: 'number', multiFloatEnum: 'number', multiString: 'text', date: 'number', datetime: 'number',
    time: 'number', datetimeISO8601: 'text', photo: 'text', multiPhotos: 'text', geolocation: 'none', json: 'none',
    externalObject: 'none', customObject: 'none', user: 'text', process: 'text', record: 'text', task: 'text',
    processCollection: 'text', recordCollection: 'text', taskCollection: 'text',
  };
  for (const type of ATTRIBUTE_TYPE_NAMES) {
    it(`${type} compares as ${expected[type]}`, () => assert.equal(comparisonKind(type), expected[type]));
  }
});

describe('derived attribute results', () => {
  it('passes null and undefined as null', () => {
    assert.deepEqual(checkDerivedValue('integer', undefined, 'derived.total', ctx), { ok: true, value: null });
    assert.deepEqual(checkDerivedValue('string', null, 'derived.total', ctx), { ok: true, value: null });
  });

  it('checks the result against the declared type', () => {
    assert.deepEqual(checkDerivedValue('integer', 2.5, 'derived.total', ctx), { ok: false, message: 'derived.total: expected an integer, got 2.5' });
    assert.deepEqual(checkDerivedValue('integer', '5', 'derived.total', ctx), { ok: true, value: 5 });
    assert.deepEqual(checkDerivedValue('boolean', 'maybe', 'derived.ok', ctx), { ok: false, message: 'derived.ok: expected true or false, got "maybe"' });
    assert.deepEqual(checkDerivedValue('json', { a: [1] }, 'derived.obj', ctx), { ok: true, value: { a: [1] } });
  });

  it('accepts any value of an enum type’s option kind (derived attributes have no options)', () => {
    assert.deepEqual(checkDerivedValue('stringEnum', 'Hot', 'derived.band', ctx), { ok: true, value: 'Hot' });
    assert.equal(checkDerivedValue('integerEnum', 'Hot', 'derived.band', ctx).ok, false);
  });
});
