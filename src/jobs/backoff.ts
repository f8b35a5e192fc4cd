import type { RetryPolicy } from './job-definition.ts';

const BASE_MS = 1000;
const CAP_MS = 10 * 60 * 1000;

/** Delay before retry number `attempt` (1-based) of an `attempts` policy: 1 s, 2 s, 4 s, … capped at 10 minutes. */
export function backoffMs(attempt: number): number {
  return Math.min(CAP_MS, BASE_MS * 2 ** Math.max(0, attempt - 1));
}

/**
 * When a job that failed its `attempts`-th run at `now` runs next, or null when it has used up its
 * policy. `random` is in [0, 1) (injected so tests can pin the jitter).
 */
export function nextRunAt(policy: RetryPolicy, attempts: number, now: number, giveUpAt: number | null, random: () => number): number | null {
  if ('attempts' in policy) return attempts >= policy.attempts ? null : now + backoffMs(attempts);
  if (giveUpAt === null || now >= giveUpAt) return null;
  const base = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.max(0, attempts - 1));
  const jittered = Math.round(base * (0.8 + 0.4 * random()));
  return Math.min(now + jittered, giveUpAt);
}
