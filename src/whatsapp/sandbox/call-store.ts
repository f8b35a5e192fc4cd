/**
 * Calling state per business number: its calling settings, which users allowed calls, and the
 * calls in progress. The sandbox starts with calling enabled (Meta relaxes calling rules for
 * test numbers), but it still asks for the user's permission before a business-initiated call.
 */
export type CallDirection = 'BUSINESS_INITIATED' | 'USER_INITIATED';
export type CallState = 'ringing' | 'pre_accepted' | 'accepted' | 'ended';
export type PermissionStatus = 'no_permission' | 'temporary' | 'permanent';

export interface CallRecord {
  readonly id: string;
  readonly phoneNumberId: string;
  readonly userWaId: string;
  readonly direction: CallDirection;
  readonly startedAt: number;
  state: CallState;
  acceptedAt?: number;
  bizOpaqueCallbackData?: string;
}

export interface CallPermission {
  readonly status: PermissionStatus;
  /** ms; absent for permanent permissions. */
  readonly expiresAt?: number;
}

/** Temporary permissions last 7 days (Meta's rule). */
export const TEMPORARY_PERMISSION_MS = 7 * 24 * 60 * 60_000;

export function defaultCallingSettings(): Record<string, unknown> {
  return {
    status: 'ENABLED',
    call_icon_visibility: 'DEFAULT',
    callback_permission_status: 'ENABLED',
    call_hours: { status: 'DISABLED' },
    sip: { status: 'DISABLED', servers: [] },
  };
}

export class CallStore {
  readonly #settings = new Map<string, Record<string, unknown>>();
  readonly #permissions = new Map<string, CallPermission>();
  readonly #calls = new Map<string, CallRecord>();

  settingsOf(phoneNumberId: string): Record<string, unknown> {
    return this.#settings.get(phoneNumberId) ?? defaultCallingSettings();
  }

  updateSettings(phoneNumberId: string, calling: Record<string, unknown>): void {
    this.#settings.set(phoneNumberId, { ...this.settingsOf(phoneNumberId), ...calling });
  }

  permissionOf(phoneNumberId: string, userWaId: string, now: number): CallPermission {
    const permission = this.#permissions.get(`${phoneNumberId}|${userWaId}`);
    if (!permission || (permission.expiresAt !== undefined && permission.expiresAt <= now)) return { status: 'no_permission' };
    return permission;
  }

  setPermission(phoneNumberId: string, userWaId: string, status: PermissionStatus, now: number): void {
    const key = `${phoneNumberId}|${userWaId}`;
    if (status === 'no_permission') this.#permissions.delete(key);
    else this.#permissions.set(key, status === 'temporary' ? { status, expiresAt: now + TEMPORARY_PERMISSION_MS } : { status });
  }

  add(call: CallRecord): void {
    this.#calls.set(call.id, call);
  }

  /** A call of this number that has not ended. */
  live(phoneNumberId: string, callId: string): CallRecord | undefined {
    const call = this.#calls.get(callId);
    return call && call.phoneNumberId === phoneNumberId && call.state !== 'ended' ? call : undefined;
  }

  clear(): void {
    this.#settings.clear();
    this.#permissions.clear();
    this.#calls.clear();
  }
}
