import { constantTimeEqual, hmacSha256Hex } from '../../shared/crypto.ts';

/** How long a signed download link stays valid (API.md §7). */
export const LINK_TTL_MS = 5 * 60 * 1000;

const SIGNATURE = /^[0-9a-f]{64}$/;
const EXPIRES = /^\d{1,16}$/;

// The purpose is part of what is signed, so a signature made for anything else never verifies here.
const signedText = (photoId: string, expiresAt: number): string => `photo-download\n${photoId}\n${expiresAt}`;

export function downloadPath(photoId: string): string {
  return `/v1/ext/photo/${photoId}/download`;
}

/** An absolute link that serves the photo's bytes without a bearer token until `expiresAt`. */
export function signedDownloadUrl(publicUrl: string, secretKey: Buffer, photoId: string, expiresAt: number): string {
  const signature = hmacSha256Hex(secretKey, signedText(photoId, expiresAt));
  return `${publicUrl}${downloadPath(photoId)}?expires=${expiresAt}&signature=${signature}`;
}

export type LinkCheck = { ok: true; expiresAt: number } | { ok: false; reason: 'invalid' | 'expired' };

/** Checks a link's signature first (tampering), then its expiry, in time independent of the secret. */
export function checkDownloadLink(
  secretKey: Buffer,
  photoId: string,
  expires: string | undefined,
  signature: string | undefined,
  now: number,
): LinkCheck {
  if (expires === undefined || signature === undefined || !EXPIRES.test(expires) || !SIGNATURE.test(signature)) {
    return { ok: false, reason: 'invalid' };
  }
  const expiresAt = Number(expires);
  const expected = hmacSha256Hex(secretKey, signedText(photoId, expiresAt));
  if (!constantTimeEqual(expected, signature)) return { ok: false, reason: 'invalid' };
  return now > expiresAt ? { ok: false, reason: 'expired' } : { ok: true, expiresAt };
}
