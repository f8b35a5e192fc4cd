const BASE_MS = 1000;
const CAP_MS = 10 * 60 * 1000;

/** Delay before retry number `attempt` (1-based): 1 s, 2 s, 4 s, … capped at 10 minutes. */
export function backoffMs(attempt: number): number {
  return Math.min(CAP_MS, BASE_MS * 2 ** Math.max(0, attempt - 1));
}
