import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Secrets kept at rest (WhatsApp access tokens, app secrets, verify tokens, webhook secrets) are
 * sealed with AES-256-GCM. Each purpose gets its own key, derived from the server's secret key
 * with HKDF-SHA256, so a key learnt for one purpose opens nothing else. A sealed value names the
 * server key it was sealed under (a key id derived from that key, revealing nothing of it):
 * after `CHAKRA_SECRET_KEY` changes, values sealed under a previous key still open as long as
 * that key is listed in `CHAKRA_PREVIOUS_SECRET_KEYS`, and are sealed under the new key the
 * next time they are written.
 *
 *   sealed = "v1." + keyId + "." + base64url(iv) + "." + base64url(ciphertext ‖ tag)
 */
export type SecretPurpose = 'whatsapp-access-token' | 'whatsapp-app-secret' | 'whatsapp-verify-token' | 'webhook-secret';

export interface SecretBox {
  seal(purpose: SecretPurpose, plaintext: string): string;
  /** Throws `SecretBoxError` when the value was sealed under a key not configured, or was altered. */
  open(purpose: SecretPurpose, sealed: string): string;
  /** Whether the value was sealed under the current key (else it should be sealed again). */
  isCurrent(sealed: string): boolean;
}

export class SecretBoxError extends Error {
  override name = 'SecretBoxError';
}

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const derive = (master: Buffer, info: string): Buffer => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `chakra/${info}`, 32));
const keyIdOf = (master: Buffer): string => derive(master, 'key-id').subarray(0, 6).toString('hex');

export function createSecretBox(currentKey: Buffer, previousKeys: readonly Buffer[] = []): SecretBox {
  const masters = new Map<string, Buffer>();
  for (const key of [currentKey, ...previousKeys]) if (!masters.has(keyIdOf(key))) masters.set(keyIdOf(key), key);
  const currentId = keyIdOf(currentKey);
  const keys = new Map<string, Buffer>();
  const keyFor = (keyId: string, purpose: SecretPurpose): Buffer => {
    const cacheKey = `${keyId}/${purpose}`;
    let key = keys.get(cacheKey);
    if (!key) {
      const master = masters.get(keyId);
      if (!master) throw new SecretBoxError(`a stored secret was sealed under key ${keyId}, which is neither CHAKRA_SECRET_KEY nor in CHAKRA_PREVIOUS_SECRET_KEYS`);
      key = derive(master, `secret/${purpose}`);
      keys.set(cacheKey, key);
    }
    return key;
  };

  return {
    seal(purpose, plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', keyFor(currentId, purpose), iv);
      cipher.setAAD(Buffer.from(purpose));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return [VERSION, currentId, iv.toString('base64url'), body.toString('base64url')].join('.');
    },
    open(purpose, sealed) {
      const [version, keyId, ivText, bodyText] = sealed.split('.');
      if (version !== VERSION || !keyId || !ivText || bodyText === undefined) throw new SecretBoxError('a stored secret is not in a known sealed format');
      const body = Buffer.from(bodyText, 'base64url');
      if (body.length < TAG_BYTES) throw new SecretBoxError('a stored secret is truncated');
      const decipher = createDecipheriv('aes-256-gcm', keyFor(keyId, purpose), Buffer.from(ivText, 'base64url'));
      decipher.setAAD(Buffer.from(purpose));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      try {
        return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch (error: unknown) {
        throw new SecretBoxError('a stored secret failed its integrity check (altered, or sealed for another purpose)', { cause: error });
      }
    },
    isCurrent: (sealed) => sealed.split('.')[1] === currentId,
  };
}
