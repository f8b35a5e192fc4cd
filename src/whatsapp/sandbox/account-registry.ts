/**
 * Which accounts exist, which phone numbers they own and which token opens each. A phone
 * number belongs to one account; registering a WABA again replaces it (new token, secret,
 * callback or numbers) without touching its templates or media.
 */
import { GraphError } from './graph-errors.ts';
import type { SandboxAccount, SandboxPhoneNumber } from './sandbox.types.ts';

export interface PhoneOwner {
  readonly account: SandboxAccount;
  readonly phone: SandboxPhoneNumber;
}

export class AccountRegistry {
  readonly #accounts = new Map<string, SandboxAccount>();
  readonly #phones = new Map<string, PhoneOwner>();

  register(account: SandboxAccount): void {
    const problem = accountProblem(account);
    if (problem) throw new GraphError(100, problem);
    for (const phone of account.phoneNumbers) {
      const owner = this.#phones.get(phone.id);
      if (owner && owner.account.wabaId !== account.wabaId) {
        throw new GraphError(100, `Phone number ${phone.id} already belongs to WABA ${owner.account.wabaId}.`);
      }
    }
    this.#forgetPhonesOf(account.wabaId);
    const stored: SandboxAccount = { ...account, phoneNumbers: account.phoneNumbers.map((p) => ({ ...p })) };
    this.#accounts.set(account.wabaId, stored);
    for (const phone of stored.phoneNumbers) this.#phones.set(phone.id, { account: stored, phone });
  }

  account(wabaId: string): SandboxAccount | undefined {
    return this.#accounts.get(wabaId);
  }

  phone(phoneNumberId: string): PhoneOwner | undefined {
    return this.#phones.get(phoneNumberId);
  }

  /** True when some account uses this token (a token nobody uses is Meta's 190). */
  isKnownToken(token: string): boolean {
    for (const account of this.#accounts.values()) if (account.accessToken === token) return true;
    return false;
  }

  list(): SandboxAccount[] {
    return [...this.#accounts.values()];
  }

  clear(): void {
    this.#accounts.clear();
    this.#phones.clear();
  }

  #forgetPhonesOf(wabaId: string): void {
    for (const [id, owner] of this.#phones) if (owner.account.wabaId === wabaId) this.#phones.delete(id);
  }
}

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/** Why an account (from the control API or options) cannot be registered, or null. */
export function accountProblem(account: SandboxAccount): string | null {
  if (typeof account !== 'object' || account === null) return 'An account must be an object.';
  if (!nonEmpty(account.wabaId)) return 'wabaId is required.';
  if (!nonEmpty(account.accessToken)) return 'accessToken is required.';
  if (!nonEmpty(account.appSecret)) return 'appSecret is required.';
  if (account.callbackUrl !== undefined && account.callbackUrl !== null && !isHttpUrl(account.callbackUrl)) {
    return 'callbackUrl must be an http:// or https:// URL.';
  }
  if (!Array.isArray(account.phoneNumbers)) return 'phoneNumbers must be a list.';
  for (const phone of account.phoneNumbers) {
    if (!nonEmpty(phone?.id) || !nonEmpty(phone?.displayPhoneNumber)) {
      return 'Each phone number needs an id and a displayPhoneNumber.';
    }
  }
  return null;
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
