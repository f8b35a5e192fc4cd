import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSecretBox, SecretBoxError } from '../../../src/shared/secret-box.ts';

describe('secret box (AES-256-GCM under per-purpose HKDF keys)', () => {
  const key = randomBytes(32);

  it('opens what it sealed, and never shows the plain text in the sealed form', () => {
    const box = createSecretBox(key);
    const sealed = box.seal('whatsapp-access-token', 'EAAG-secret-token');
    assert.ok(!sealed.includes('EAAG'));
    assert.match(sealed, /^v1\.[0-9a-f]{12}\.[\w-]+\.[\w-]+$/);
    assert.equal(box.open('whatsapp-access-token', sealed), 'EAAG-secret-token');
    assert.notEqual(box.seal('whatsapp-access-token', 'EAAG-secret-token'), sealed, 'a fresh IV each time');
  });

  it('keeps purposes apart: a value sealed for one purpose does not open as another', () => {
    const box = createSecretBox(key);
    const sealed = box.seal('whatsapp-app-secret', 'x');
    assert.throws(() => box.open('webhook-secret', sealed), SecretBoxError);
  });

  it('refuses an altered value', () => {
    const box = createSecretBox(key);
    const [v, id, iv, body] = box.seal('webhook-secret', 'hello').split('.');
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] ^= 1;
    assert.throws(() => box.open('webhook-secret', [v, id, iv, flipped.toString('base64url')].join('.')), /integrity/);
    assert.throws(() => box.open('webhook-secret', 'plain text'), /sealed format/);
  });

  it('opens values sealed under a previous key when that key is listed, and says which key is missing otherwise', () => {
    const old = createSecretBox(key);
    const sealed = old.seal('whatsapp-verify-token', 'v');
    const rotated = createSecretBox(randomBytes(32), [key]);
    assert.equal(rotated.open('whatsapp-verify-token', sealed), 'v');
    assert.equal(rotated.isCurrent(sealed), false);
    assert.equal(rotated.isCurrent(rotated.seal('whatsapp-verify-token', 'v')), true);
    const forgotten = createSecretBox(randomBytes(32));
    assert.throws(() => forgotten.open('whatsapp-verify-token', sealed), /sealed under key [0-9a-f]{12}, which is neither CHAKRA_SECRET_KEY nor in CHAKRA_PREVIOUS_SECRET_KEYS/);
  });
});
