import { formatInTimezone, INSTANT_YEARS, readInstant } from '../../shared/time.ts';
import { toInteger } from './attribute-values.scalars.ts';
import type { CoerceEnv, CoerceResult } from './attribute-values.types.ts';
import { accept, refuse } from './attribute-values.types.ts';

const DAY_MS = 86_400_000;
const TIME_OF_DAY = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;

/** Epoch ms within the accepted years (the same parser as every epoch-ms field); null when not. */
function toInstant(value: unknown, timezone: string): number | null {
  const reading = readInstant(value, timezone);
  return reading.ok ? reading.value : null;
}

/** `date` keeps the instant as written: the team decides what a date means, not the server. */
export function coerceInstant(value: unknown, env: CoerceEnv): CoerceResult {
  const instant = toInstant(value, env.ctx.timezone);
  if (instant === null) return refuse(env.path, `a date (epoch ms or ISO-8601, ${INSTANT_YEARS})`, value);
  return accept(instant);
}

/** Stored as canonical ISO-8601 in the team's timezone, offset included, whatever was written. */
export function coerceIsoDatetime(value: unknown, env: CoerceEnv): CoerceResult {
  const instant = toInstant(value, env.ctx.timezone);
  if (instant === null) return refuse(env.path, `an ISO-8601 datetime or epoch ms (${INSTANT_YEARS})`, value);
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
