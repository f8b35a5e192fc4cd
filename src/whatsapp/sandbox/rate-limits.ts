/**
 * Meta's two send limits. Throughput: at most N messages in any one second per business number
 * (130429). Pair rate: one message per interval to the same user, with a burst allowance that
 * borrows from later (a token bucket: `burst` tokens, one back per interval) (131056).
 */
import type { SandboxSettings } from './sandbox.types.ts';

export type LimitHit = 'throughput' | 'pair' | null;

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class RateLimits {
  readonly #recentSends = new Map<string, number[]>();
  readonly #buckets = new Map<string, Bucket>();

  /** Records a send if both limits allow it; otherwise says which limit it hit. */
  take(phoneNumberId: string, waId: string, now: number, settings: SandboxSettings): LimitHit {
    if (settings.throughput.enabled && this.#sendsInLastSecond(phoneNumberId, now) >= settings.throughput.perSecond) return 'throughput';
    const bucket = settings.pairRate.enabled ? this.#refilled(`${phoneNumberId}|${waId}`, now, settings) : null;
    if (bucket && bucket.tokens < 1) return 'pair';
    if (bucket) bucket.tokens -= 1;
    // #sendsInLastSecond has just stored this number's list.
    if (settings.throughput.enabled) this.#recentSends.get(phoneNumberId)?.push(now);
    return null;
  }

  clear(): void {
    this.#recentSends.clear();
    this.#buckets.clear();
  }

  #sendsInLastSecond(phoneNumberId: string, now: number): number {
    const times = (this.#recentSends.get(phoneNumberId) ?? []).filter((t) => now - t < 1000);
    this.#recentSends.set(phoneNumberId, times);
    return times.length;
  }

  #refilled(key: string, now: number, settings: SandboxSettings): Bucket {
    const { burst, intervalMs } = settings.pairRate;
    const bucket = this.#buckets.get(key) ?? { tokens: burst, updatedAt: now };
    const earned = intervalMs > 0 ? (now - bucket.updatedAt) / intervalMs : burst;
    bucket.tokens = Math.min(burst, bucket.tokens + earned);
    bucket.updatedAt = now;
    this.#buckets.set(key, bucket);
    return bucket;
  }
}
