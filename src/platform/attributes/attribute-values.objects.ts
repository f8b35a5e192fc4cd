import { isUuid } from '../../shared/ids.ts';
import type { AttributeEnumValueType } from './attribute-types.ts';
import { ATTRIBUTE_TYPES } from './attribute-types.ts';
import { coerceString, toFloat, toInteger, toText } from './attribute-values.scalars.ts';
import type { CoerceEnv, CoerceResult, Coercer, ValueReferences } from './attribute-values.types.ts';
import { accept, coerceList, refuse } from './attribute-values.types.ts';

// The username rule of the config file: what a `user` value may name besides a UUID.
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;

const OPTION_KIND: Record<AttributeEnumValueType, string> = { string: 'a string', integer: 'an integer', number: 'a number' };

function toOptionValue(enumOf: AttributeEnumValueType, value: unknown): string | number | null {
  if (enumOf === 'string') return toText(value);
  return enumOf === 'integer' ? toInteger(value) : toFloat(value);
}

/**
 * One option of an enum attribute. Options are compared in the option's type, so "3" matches
 * the integer option 3. Without options (derived attributes, `!=` comparisons) any value of
 * the option type is accepted.
 */
export function coerceOption(value: unknown, env: CoerceEnv): CoerceResult {
  const enumOf = ATTRIBUTE_TYPES[env.attribute.type].enumOf ?? 'string';
  const candidate = toOptionValue(enumOf, value);
  const options = env.attribute.options;
  if (options === null) return candidate === null ? refuse(env.path, OPTION_KIND[enumOf], value) : accept(candidate);
  const match =
    candidate === null
      ? undefined
      : options.find((option) => (enumOf === 'string' ? String(option) === candidate : Number(option) === candidate));
  if (match === undefined) return refuse(env.path, `one of ${options.join(', ')}`, value);
  return accept(enumOf === 'string' ? String(match) : Number(match));
}

/** A list of options; repeated options are dropped, keeping the order they were first written in. */
export function coerceOptionList(value: unknown, env: CoerceEnv): CoerceResult {
  const result = coerceList(value, env, coerceOption);
  return result.ok ? accept([...new Set(result.value as unknown[])]) : result;
}

export function coerceStringList(value: unknown, env: CoerceEnv): CoerceResult {
  return coerceList(value, env, coerceString);
}

/** A UUID naming an object of `kind`; stored lower-case, the form every id is created in. */
export function uuidReference(kind: keyof ValueReferences, what: string): Coercer {
  return (value, env) => {
    const text = typeof value === 'string' ? value.trim() : value;
    if (!isUuid(text)) return refuse(env.path, `the UUID of ${what}`, value);
    const id = text.toLowerCase();
    env.refs[kind].push(id);
    return accept(id);
  };
}

export function uuidReferenceList(kind: keyof ValueReferences, what: string): Coercer {
  const element = uuidReference(kind, what);
  return (value, env) => coerceList(value, env, element);
}

/**
 * A user UUID, or a username. Usernames are stored as written here and collected in
 * `refs.usernames`: the caller looks them up and replaces each with the user's UUID before
 * storing, so stored `user` values are always UUIDs.
 */
export function coerceUser(value: unknown, env: CoerceEnv): CoerceResult {
  const text = typeof value === 'string' ? value.trim() : value;
  if (isUuid(text)) {
    const id = text.toLowerCase();
    env.refs.users.push(id);
    return accept(id);
  }
  if (typeof text === 'string' && USERNAME.test(text)) {
    env.refs.usernames.push(text);
    return accept(text);
  }
  return refuse(env.path, 'a user UUID or username', value);
}

/** `[lat, lng]`, `{lat, lng}` or `{latitude, longitude}`, numbers or numeric strings → `[lat, lng]`. */
export function coerceGeolocation(value: unknown, env: CoerceEnv): CoerceResult {
  const pair = geolocationPair(value);
  const lat = pair === null ? null : toFloat(pair[0]);
  const lng = pair === null ? null : toFloat(pair[1]);
  if (lat === null || lng === null || Math.abs(lat) > 90 || Math.abs(lng) > 180) {
    return refuse(env.path, '[lat, lng] with lat in -90..90 and lng in -180..180', value);
  }
  return accept([lat, lng]);
}

function geolocationPair(value: unknown): [unknown, unknown] | null {
  if (Array.isArray(value)) return value.length === 2 ? [value[0], value[1]] : null;
  if (typeof value !== 'object' || value === null) return null;
  const o = value as Record<string, unknown>;
  return [o.lat ?? o.latitude, o.lng ?? o.longitude];
}
