/**
 * Time helpers. Timestamps are integer epoch milliseconds everywhere inside the server; a team's
 * timezone (a fixed offset such as "+05:30" or an IANA name such as "Asia/Kolkata") is only used
 * to render v2 "humanized" responses and to read ISO datetimes written without an offset.
 */
import { describeValue } from './errors.ts';

export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

const OFFSET_PATTERN = /^([+-])(\d{2}):?(\d{2})$/;

/** True when `tz` is a fixed offset ("+05:30", "-0400", "Z", "UTC") or a known IANA zone. */
export function isValidTimezone(tz: string): boolean {
  if (tz === 'Z' || tz === 'UTC' || OFFSET_PATTERN.test(tz)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC, in minutes, at the given instant. */
export function offsetMinutesAt(tz: string, epochMs: number): number {
  if (tz === 'Z' || tz === 'UTC' || tz === '') return 0;
  const fixed = OFFSET_PATTERN.exec(tz);
  if (fixed) {
    const minutes = Number(fixed[2]) * 60 + Number(fixed[3]);
    return fixed[1] === '-' ? -minutes : minutes;
  }
  const name = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' })
    .formatToParts(new Date(epochMs))
    .find((part) => part.type === 'timeZoneName')?.value;
  const parsed = name ? /GMT([+-])(\d{2}):(\d{2})/.exec(name) : null;
  if (!parsed) return 0;
  const minutes = Number(parsed[2]) * 60 + Number(parsed[3]);
  return parsed[1] === '-' ? -minutes : minutes;
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${sign}${hh}:${mm}`;
}

/** Renders epoch ms as ISO-8601 in the zone: `2021-09-16T18:34:58.108+05:30`. */
export function formatInTimezone(epochMs: number, tz: string): string {
  const offset = offsetMinutesAt(tz, epochMs);
  const shifted = new Date(epochMs + offset * 60_000).toISOString(); // ends in "Z"
  return shifted.slice(0, -1) + formatOffset(offset);
}

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses an ISO-8601 date or datetime into epoch ms. Text without an offset is read in `tz`.
 * Returns null when the text is not a valid ISO-8601 value.
 */
export function parseIsoInTimezone(text: string, tz: string): number | null {
  const m = ISO_PATTERN.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0', zone] = m;
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  // Date.UTC reads years 0 to 99 as 1900 to 1999; the year is set on its own to keep it as written.
  const check = new Date(Date.UTC(2000, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms));
  check.setUTCFullYear(Number(y));
  const naive = check.getTime();
  if (Number.isNaN(naive) || check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1) {
    return null;
  }
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  if (zone) return naive - offsetMinutesAt(zone === 'Z' ? 'Z' : zone, naive) * 60_000;
  // Two passes: the zone's offset at the local wall time, then corrected at the found instant.
  const first = naive - offsetMinutesAt(tz, naive) * 60_000;
  return naive - offsetMinutesAt(tz, first) * 60_000;
}

/**
 * The instants accepted from clients, for every epoch-ms field and every date or datetime
 * attribute: years 1000 to 9999. Four-digit years render as ISO-8601 without an expanded sign,
 * a value outside is far more likely a unit mistake (seconds or microseconds for ms) than a real
 * date, and every value in range is a safe integer any 64-bit column holds.
 */
export const MIN_INSTANT = Date.UTC(1000, 0, 1);
export const MAX_INSTANT = Date.UTC(10000, 0, 1) - 1;
export const INSTANT_YEARS = 'years 1000 to 9999';

const INTEGER_TEXT = /^[+-]?\d+$/;

export type InstantReading = { ok: true; value: number } | { ok: false; outOfRange: boolean };

/**
 * Epoch ms from an integer, an integral numeric string or ISO-8601 text (read in `tz` when it
 * has no offset), within MIN_INSTANT..MAX_INSTANT. A number and the same number written as a
 * string are judged alike; `outOfRange` tells a time outside the range from something that is
 * no time at all.
 */
export function readInstant(value: unknown, tz: string): InstantReading {
  const text = typeof value === 'string' ? value.trim() : null;
  const instant = typeof value === 'number' ? value
    : text !== null && INTEGER_TEXT.test(text) ? Number(text)
    : text !== null ? parseIsoInTimezone(text, tz)
    : null;
  if (instant === null || Number.isNaN(instant)) return { ok: false, outOfRange: false };
  // Infinity (JSON's 1e400) and 1e29, as numbers or as digits, fail here alike.
  if (instant < MIN_INSTANT || instant > MAX_INSTANT) return { ok: false, outOfRange: true };
  if (!Number.isInteger(instant)) return { ok: false, outOfRange: false };
  // `+ 0` turns -0 into 0.
  return { ok: true, value: instant + 0 };
}

/**
 * The message for an epoch-ms field (nextActionAt, dueBy, a where-filter on createdAt …) given
 * `value`, which readInstant refused.
 */
export function instantProblem(path: string, value: unknown, reading: { outOfRange: boolean }): string {
  const expected = reading.outOfRange
    ? `expected epoch milliseconds from ${MIN_INSTANT} to ${MAX_INSTANT} (${INSTANT_YEARS})`
    : 'expected epoch milliseconds or an ISO-8601 datetime';
  // JSON writes Infinity (what 1e400 parses to) as null: name numbers as they are.
  return `${path}: ${expected}, got ${typeof value === 'number' ? String(value) : describeValue(value)}`;
}
