import { formatInTimezone, parseIsoInTimezone } from '../../shared/time.ts';
import { toInteger } from './attribute-values.scalars.ts';
import type { CoerceEnv, CoerceResult } from './attribute-values.types.ts';
import { accept, refuse } from './attribute-values.types.ts';

// Years 1000..9999: four-digit years render as ISO-8601 without an expanded sign, and anything
// outside is far more likely a unit mistake (seconds for ms) than a real date.
const MIN_INSTANT = Date.UTC(1000, 0, 1);
const MAX_INSTANT = Date.UTC(10000, 0, 1) - 1;
const DAY_MS = 86_400_000;
const TIME_OF_DAY = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;

/** Epoch ms from epoch ms, an integral numeric string or ISO-8601 text; null when none of these. */
function toInstant(value: unknown, timezone: string): number | null {
  const asInteger = toInteger(value);
  const instant = asInteger ?? (typeof value === 'string' ? parseIsoInTimezone(value, timezone) : null);
  if (instant === null || instant < MIN_INSTANT || instant > MAX_INSTANT) return null;
  return instant;
}

/** `date` keeps the instant as written: the team decides what a date means, not the server. */
export function coerceInstant(value: unknown, env: CoerceEnv): CoerceResult {
  const instant = toInstant(value, env.ctx.timezone);
  if (instant === null) return refuse(env.path, 'a date (epoch ms or ISO-8601, years 1000 to 9999)', value);
  return accept(instant);
}

/** Stored as canonical ISO-8601 in the team's timezone, offset included, whatever was written. */
export function coerceIsoDatetime(value: unknown, env: CoerceEnv): CoerceResult {
  const instant = toInstant(value, env.ctx.timezone);
  if (instant === null) return refuse(env.path, 'an ISO-8601 datetime or epoch ms (years 1000 to 9999)', value);
  return accept(formatInTimezone(instant, env.ctx.timezone));
}

/** Milliseconds since midnight, from ms or "HH:MM", "HH:MM:SS", "HH:MM:SS.mmm". */
export function coerceTimeOfDay(value: unknown, env: CoerceEnv): CoerceResult {
  const ms = toInteger(value) ?? (typeof value === 'string' ? parseTimeOfDay(value.trim()) : null);
  if (ms === null || ms < 0 || ms >= DAY_MS) {
    return refuse(env.path, 'a time of day (ms since midnight, or HH:MM[:SS[.mmm]])', value);
  }
  return accept(ms);
}

function parseTimeOfDay(text: string): number | null {
  const m = TIME_OF_DAY.exec(text);
  if (!m) return null;
  const [, h, mi, s = '0', frac = '0'] = m;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  return ((Number(h) * 60 + Number(mi)) * 60 + Number(s)) * 1000 + Number(frac.padEnd(3, '0'));
}
