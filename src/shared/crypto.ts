import { createHmac, hash, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_PREFIX = 'chk_';

/** A new API access token: the prefix makes it recognisable to secret scanners and in logs. */
export function newAccessToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** One-shot `hash` (a third of createHash's cost): every authenticated request hashes its token. */
export function sha256Hex(value: string | Buffer): string {
  return hash('sha256', value, 'hex');
}

export function hmacSha256Hex(key: Buffer | string, value: string | Buffer): string {
  return createHmac('sha256', key).update(value).digest('hex');
}

/** Compares two strings in time independent of where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  if (left.length !== right.length) {
    // Still spend the comparison so timing does not reveal the length check alone.
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}
