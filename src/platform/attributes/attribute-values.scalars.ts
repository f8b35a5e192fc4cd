import type { CoerceEnv, CoerceResult } from './attribute-values.types.ts';
import { accept, refuse } from './attribute-values.types.ts';

export const MAX_TEXT_LENGTH = 65_535;
const MAX_STRING_ID_LENGTH = 255;

const INTEGER_TEXT = /^[+-]?\d+$/;
const DECIMAL_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;
const PHONE_SEPARATORS = /[\s()+.-]/g;
const PHONE_DIGITS = /^\d{6,15}$/;
/** Numbers without a leading `+` and at most this many digits are local numbers. */
const MAX_LOCAL_PHONE_DIGITS = 10;

/** Text as written; numbers and booleans are stringified (a spreadsheet cell may hold `42`). */
export function toText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return null;
}

export function coerceString(value: unknown, env: CoerceEnv): CoerceResult {
  const text = toText(value);
  if (text === null) return refuse(env.path, 'a string', value);
  if (text.length > MAX_TEXT_LENGTH) return tooLong(env.path, MAX_TEXT_LENGTH, text);
  return accept(text);
}

function tooLong(path: string, max: number, text: string): CoerceResult {
  return { ok: false, message: `${path}: expected at most ${max.toLocaleString('en-US')} characters, got ${text.length.toLocaleString('en-US')}` };
}

export function coerceUrl(value: unknown, env: CoerceEnv): CoerceResult {
  const expected = 'an absolute http(s) URL';
  if (typeof value !== 'string') return refuse(env.path, expected, value);
  const text = value.trim();
  if (text.length > MAX_TEXT_LENGTH) return tooLong(env.path, MAX_TEXT_LENGTH, text);
  if (!URL.canParse(text)) return refuse(env.path, expected, value);
  const protocol = new URL(text).protocol;
  return protocol === 'http:' || protocol === 'https:' ? accept(text) : refuse(env.path, expected, value);
}

/** Domains are case-insensitive, so they are stored lower-cased; the local part is kept as written. */
export function coerceEmail(value: unknown, env: CoerceEnv): CoerceResult {
  const expected = 'an email address';
  if (typeof value !== 'string') return refuse(env.path, expected, value);
  const text = value.trim();
  if (text.length > MAX_TEXT_LENGTH || !EMAIL.test(text)) return refuse(env.path, expected, value);
  const at = text.lastIndexOf('@');
  return accept(text.slice(0, at + 1) + text.slice(at + 1).toLowerCase());
}

/**
 * Stored as digits only, with the country code when known. A number written with a leading `+`
 * is taken as already international and kept as is. One written without `+` and with at most
 * 10 digits is a local number (10 digits is the longest national number in common use, e.g.
 * India's 9900112233), so the team's default country code is put in front; longer ones are
 * taken to carry their country code already ("919900112233"). Integers are accepted as digits.
 */
export function coercePhone(value: unknown, env: CoerceEnv): CoerceResult {
  const expected = 'a phone number of 6 to 15 digits';
  const text = typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? String(value) : value;
  if (typeof text !== 'string') return refuse(env.path, expected, value);
  const digits = text.replace(PHONE_SEPARATORS, '');
  if (!PHONE_DIGITS.test(digits)) return refuse(env.path, expected, value);
  const international = text.trim().startsWith('+');
  const countryCode = env.ctx.defaultCountryCode.replace(/\D/g, '');
  if (!international && countryCode !== '' && digits.length <= MAX_LOCAL_PHONE_DIGITS) {
    return accept(countryCode + digits);
  }
  return accept(digits);
}

export function coerceStringId(value: unknown, env: CoerceEnv): CoerceResult {
  const expected = `a non-empty string of at most ${MAX_STRING_ID_LENGTH} characters`;
  const text = typeof value === 'number' ? toText(value) : value;
  if (typeof text !== 'string') return refuse(env.path, expected, value);
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.length > MAX_STRING_ID_LENGTH) return refuse(env.path, expected, value);
  return accept(trimmed);
}

/** A JS safe integer, from a number or an integral numeric string; null when it is not one. */
export function toInteger(value: unknown): number | null {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && INTEGER_TEXT.test(value.trim())) n = Number(value.trim());
  else return null;
  // `+ 0` turns -0 into 0, which JSON would otherwise write as 0 anyway but compare oddly.
  return Number.isSafeInteger(n) ? n + 0 : null;
}

/** A finite number, from a number or a decimal numeric string; null when it is not one. */
export function toFloat(value: unknown): number | null {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && DECIMAL_TEXT.test(value.trim())) n = Number(value.trim());
  else return null;
  return Number.isFinite(n) ? n + 0 : null;
}

export function coerceInteger(value: unknown, env: CoerceEnv): CoerceResult {
  const n = toInteger(value);
  return n === null ? refuse(env.path, 'an integer', value) : accept(n);
}

export function coerceFloat(value: unknown, env: CoerceEnv): CoerceResult {
  const n = toFloat(value);
  return n === null ? refuse(env.path, 'a number', value) : accept(n);
}

/**
 * Besides true/false and "true"/"false" (any case), 1/0 and "1"/"0" are read as booleans:
 * spreadsheets and form tools commonly export checkboxes that way.
 */
export function coerceBoolean(value: unknown, env: CoerceEnv): CoerceResult {
  if (typeof value === 'boolean') return accept(value);
  if (value === 1 || value === 0) return accept(value === 1);
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (text === 'true' || text === '1') return accept(true);
    if (text === 'false' || text === '0') return accept(false);
  }
  return refuse(env.path, 'true or false', value);
}
