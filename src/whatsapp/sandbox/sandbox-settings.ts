/** The sandbox's defaults (Meta's limits where Meta has one) and how a patch applies. */
import type { FailureModes, SandboxSettings, SandboxSettingsPatch } from './sandbox.types.ts';

export const DEFAULT_SETTINGS: SandboxSettings = {
  templateApprovalDelayMs: 0,
  rejectTemplateNames: [],
  statusDelays: { sentMs: 100, deliveredMs: 300, readMs: 600 },
  statusEvents: { dropDelivered: false, duplicate: false, reorder: false, skipRead: false },
  throughput: { enabled: true, perSecond: 80 },
  pairRate: { enabled: true, intervalMs: 6_000, burst: 45 },
  throttleHttpStatus: 429,
  webhookRetryDelaysMs: [500, 2_000, 8_000],
  webhookTimeoutMs: 5_000,
  mediaUrlTtlMs: 5 * 60_000,
  customerServiceWindowMs: 24 * 60 * 60_000,
};

export const NO_FAILURES: FailureModes = { failNext: null, latencyMs: 0, serverErrors: null, timeouts: null };

/** Object-valued settings merge key by key; lists and numbers are replaced. */
export function applySettingsPatch(current: SandboxSettings, patch: SandboxSettingsPatch | undefined): SandboxSettings {
  if (!patch) return current;
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined || !(key in current)) continue;
    const existing = (current as unknown as Record<string, unknown>)[key];
    const mergeable = typeof existing === 'object' && existing !== null && !Array.isArray(existing);
    next[key] = mergeable ? { ...existing, ...(value as object) } : value;
  }
  return next as unknown as SandboxSettings;
}

/** Why a settings patch (from the control API) does not fit the settings' shape, or null. */
export function settingsPatchProblem(patch: unknown): string | null {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return 'settings must be an object.';
  for (const [key, value] of Object.entries(patch)) {
    const expected = (DEFAULT_SETTINGS as unknown as Record<string, unknown>)[key];
    if (expected === undefined) return `unknown setting "${key}".`;
    const problem = valueProblem(key, value, expected);
    if (problem) return problem;
  }
  return null;
}

function valueProblem(path: string, value: unknown, expected: unknown): string | null {
  if (Array.isArray(expected)) {
    const itemType = path === 'rejectTemplateNames' ? 'string' : 'number';
    return Array.isArray(value) && value.every((v) => typeof v === itemType && (itemType === 'string' || (v as number) >= 0))
      ? null : `${path} must be a list of ${itemType === 'string' ? 'names' : 'non-negative numbers'}.`;
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${path} must be an object.`;
    for (const [key, inner] of Object.entries(value)) {
      const innerExpected = (expected as Record<string, unknown>)[key];
      if (innerExpected === undefined) return `unknown setting "${path}.${key}".`;
      const problem = valueProblem(`${path}.${key}`, inner, innerExpected);
      if (problem) return problem;
    }
    return null;
  }
  if (typeof value !== typeof expected) return `${path} must be a ${typeof expected}.`;
  if (typeof value === 'number' && (!Number.isFinite(value) || value < 0)) return `${path} must be a non-negative number.`;
  return null;
}

/** Why failure modes (from the control API) are not valid, or null. */
export function failureModesProblem(input: Record<string, unknown>): string | null {
  const count = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
  const failNext = input.failNext as Record<string, unknown> | null | undefined;
  if (failNext != null && (!count(failNext.count) || !Number.isInteger(failNext.code))) return 'failNext needs an integer count and code.';
  if (failNext?.httpStatus !== undefined && !(Number(failNext.httpStatus) >= 400 && Number(failNext.httpStatus) <= 599)) return 'failNext.httpStatus must be 400 to 599.';
  if (input.latencyMs !== undefined && !count(input.latencyMs)) return 'latencyMs must be a non-negative integer.';
  const serverErrors = input.serverErrors as Record<string, unknown> | null | undefined;
  if (serverErrors != null && (!count(serverErrors.count) || !(Number(serverErrors.status) >= 500 && Number(serverErrors.status) <= 599))) {
    return 'serverErrors needs an integer count and a 5xx status.';
  }
  const timeouts = input.timeouts as Record<string, unknown> | null | undefined;
  if (timeouts != null && (!count(timeouts.count) || !count(timeouts.delayMs))) return 'timeouts needs an integer count and delayMs.';
  return null;
}
