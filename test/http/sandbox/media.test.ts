import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { assertGraphError, OTHER_PHONE_ID, OTHER_TOKEN, PHONE_ID, startHarness, TOKEN, USER, type Harness } from './sandbox-fixture.ts';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

describe('sandbox: media', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const upload = (fields: Record<string, string>, file: { bytes: Buffer; type: string; name?: string } | null, phoneId = PHONE_ID, token = TOKEN) => {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) form.append(key, value);
    if (file) form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name ?? 'upload.bin');
    return fetch(`${h.sandbox.url}/v21.0/${phoneId}/media`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form })
      .then(async (r) => ({ status: r.status, body: await r.json() as any }));
  };

  it('uploads, describes, downloads (with the bearer) and deletes a file', async () => {
    const uploaded = await upload({ messaging_product: 'whatsapp', type: 'image/png' }, { bytes: PNG, type: 'image/png', name: 'dot.png' });
    assert.equal(uploaded.status, 200, JSON.stringify(uploaded.body));
    assert.deepEqual(Object.keys(uploaded.body), ['id']);
    assert.match(uploaded.body.id, /^\d+$/);

    const info = await h.graph('GET', `/v21.0/${uploaded.body.id}`);
    assert.equal(info.status, 200);
    assert.deepEqual(Object.keys(info.body).sort(), ['file_size', 'id', 'messaging_product', 'mime_type', 'sha256', 'url']);
    assert.equal(info.body.mime_type, 'image/png');
    assert.equal(info.body.file_size, PNG.length);
    assert.equal(info.body.sha256, createHash('sha256').update(PNG).digest('hex'));
    assert.equal(info.body.messaging_product, 'whatsapp');
    assert.ok(info.body.url.startsWith(`${h.sandbox.url}/`), info.body.url);

    const withoutToken = await fetch(info.body.url);
    assert.equal(withoutToken.status, 401);
    const otherToken = await fetch(info.body.url, { headers: { authorization: `Bearer ${OTHER_TOKEN}` } });
    assert.equal(otherToken.status, 404);
    const download = await fetch(info.body.url, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(download.status, 200);
    assert.equal(download.headers.get('content-type'), 'image/png');
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), PNG);

    const sent = await h.send({ to: USER, type: 'image', image: { id: uploaded.body.id, caption: 'dot' } });
    assert.equal(sent.status, 200, 'an uploaded id can be sent');

    assert.deepEqual((await h.graph('DELETE', `/v21.0/${uploaded.body.id}`)).body, { success: true });
    assertGraphError(await h.graph('GET', `/v21.0/${uploaded.body.id}`), 400, 100);
    assert.equal((await fetch(info.body.url, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 404);
  });

  it('a download link works for 5 minutes, then answers 404; a fresh one works again', async () => {
    const { body } = await upload({ messaging_product: 'whatsapp', type: 'application/pdf' }, { bytes: Buffer.from('%PDF-1.4 test'), type: 'application/pdf' });
    const first = (await h.graph('GET', `/v21.0/${body.id}`)).body.url;
    const get = (url: string) => fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.status);
    await h.advance(4 * 60_000 + 59_000);
    assert.equal(await get(first), 200);
    await h.advance(1_000);
    assert.equal(await get(first), 404);
    const tampered = first.replace(/hash=[^&]+/, 'hash=forged');
    const fresh = (await h.graph('GET', `/v21.0/${body.id}`)).body.url;
    assert.equal(await get(fresh), 200);
    assert.equal(await get(tampered), 404);
  });

  it('checks the phone_number_id filter and the owner of the media', async () => {
    const { body } = await upload({ messaging_product: 'whatsapp', type: 'audio/ogg' }, { bytes: Buffer.from('OggS'), type: 'audio/ogg' });
    assert.equal((await h.graph('GET', `/v21.0/${body.id}?phone_number_id=${PHONE_ID}`)).status, 200);
    assertGraphError(await h.graph('GET', `/v21.0/${body.id}?phone_number_id=${OTHER_PHONE_ID}`), 400, 100);
    assertGraphError(await h.graph('GET', `/v21.0/${body.id}`, { token: OTHER_TOKEN }), 400, 100);
    assertGraphError(await h.graph('DELETE', `/v21.0/${body.id}`, { token: OTHER_TOKEN }), 400, 100);
  });

  it('refuses bad uploads: missing fields, unsupported or oversized types, a wrong token or number', async () => {
    const file = { bytes: PNG, type: 'image/png' };
    assertGraphError(await upload({ type: 'image/png' }, file), 400, 100);
    assertGraphError(await upload({ messaging_product: 'whatsapp', type: 'image/png' }, null), 400, 100);
    assertGraphError(await upload({ messaging_product: 'whatsapp', type: 'application/x-msdownload' }, { bytes: Buffer.from('MZ'), type: 'application/x-msdownload' }), 400, 131053);
    const bigSticker = { bytes: Buffer.alloc(600 * 1024, 1), type: 'image/webp' };
    assertGraphError(await upload({ messaging_product: 'whatsapp', type: 'image/webp' }, bigSticker), 400, 131053);
    assertGraphError(await upload({ messaging_product: 'whatsapp', type: 'image/png' }, file, PHONE_ID, 'wrong'), 401, 190);
    assertGraphError(await upload({ messaging_product: 'whatsapp', type: 'image/png' }, file, OTHER_PHONE_ID), 400, 100);
    assertGraphError(await h.graph('POST', `/v21.0/${PHONE_ID}/media`, { body: { messaging_product: 'whatsapp' } }), 400, 100);
  });
});
