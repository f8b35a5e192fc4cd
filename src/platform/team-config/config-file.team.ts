import { isValidTimezone } from '../../shared/time.ts';
import {
  describeKind,
  fieldPath,
  readMapping,
  readName,
  readOneOf,
  readShortId,
  readString,
  type Mapping,
  type Problems,
} from './config-file.read.ts';
import { ROLE_TYPES, type PodSpec, type RoleSpec, type TaskTypeSpec, type TeamSpec } from './config-file.types.ts';

const TEAM_SLUG_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const COUNTRY_CODE_PATTERN = /^\d{1,4}$/;
const DEFAULT_TEAM_TIMEZONE = '+00:00';

export function readTeam(raw: unknown, path: string, p: Problems): TeamSpec | null {
  if (raw === undefined || raw === null) {
    p.push(`${path}: is required`);
    return null;
  }
  const m = readMapping(raw, path, p, ['slug', 'name', 'timezone', 'defaultCountryCode']);
  if (m === null) return null;
  const slug = readString(m, 'slug', path, p, true) ?? '';
  if (slug !== '' && !TEAM_SLUG_PATTERN.test(slug)) {
    p.push(
      `${fieldPath(path, 'slug')}: expected a lower-case letter or digit, then up to 62 lower-case letters, digits, "_" or "-", got "${slug}"`,
    );
  }
  return {
    slug,
    name: readName(m, path, p, slug),
    timezone: readTimezone(m, path, p, DEFAULT_TEAM_TIMEZONE),
    defaultCountryCode: readCountryCode(m, path, p),
  };
}

/** An optional timezone: a fixed offset ("+05:30", "Z", "UTC") or an IANA name. */
export function readTimezone(m: Mapping, path: string, p: Problems, fallback: string): string {
  const timezone = readString(m, 'timezone', path, p);
  if (timezone === null || timezone === '') return fallback;
  if (!isValidTimezone(timezone)) {
    p.push(`${fieldPath(path, 'timezone')}: unknown timezone "${timezone}" (expected an offset like "+05:30" or an IANA name)`);
    return fallback;
  }
  return timezone;
}

// YAML reads an unquoted `91` as a number; the code is the same either way.
function readCountryCode(m: Mapping, path: string, p: Problems): string {
  const raw = m.defaultCountryCode;
  const at = fieldPath(path, 'defaultCountryCode');
  if (raw === undefined || raw === null) return '';
  const code = typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0 ? String(raw) : raw;
  if (typeof code !== 'string') {
    p.push(`${at}: expected a string of 1 to 4 digits, got ${describeKind(raw)}`);
    return '';
  }
  if (code !== '' && !COUNTRY_CODE_PATTERN.test(code)) {
    p.push(`${at}: expected 1 to 4 digits or "", got "${code}"`);
    return '';
  }
  return code;
}

export function readRole(raw: unknown, path: string, p: Problems): RoleSpec | null {
  const m = readMapping(raw, path, p, ['shortId', 'name', 'type']);
  if (m === null) return null;
  const shortId = readShortId(m, path, p);
  return { shortId, name: readName(m, path, p, shortId), type: readOneOf(m, 'type', path, p, ROLE_TYPES) ?? 'USER' };
}

/** Pods and task types: nothing but a shortId and a name. */
export function readNamedObject(raw: unknown, path: string, p: Problems): PodSpec | TaskTypeSpec | null {
  const m = readMapping(raw, path, p, ['shortId', 'name']);
  if (m === null) return null;
  const shortId = readShortId(m, path, p);
  return { shortId, name: readName(m, path, p, shortId) };
}
