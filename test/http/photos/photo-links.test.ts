import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { call } from '../../support/http.ts';
import { png, webp } from '../../fixtures/images/images.ts';
import { download, upload } from './photo-support.ts';

const FIVE_MINUTES = 5 * 60 * 1000;

describe('Signed photo links: 5 minutes, no token, 403 when expired or altered (API.md §7)', () => {
  let now = 1_700_000_000_000;
  let server: TestServer;
  let acme: SeededTeam;
  let photoId: string;
  let otherPhotoId: string;
  const bytes = webp(8, 8);
  before(async () => {
    server = await startTestServer({ clock: () => now });
    acme = await seedTeam(server.runtime, 'acme');
    photoId = (await upload(server.url, acme.tokens.user, bytes, { type: 'image/webp' })).body._data.id;
    otherPhotoId = (await upload(server.url, acme.tokens.user, png(2, 2), { type: 'image/png' })).body._data.id;
  });
  after(() => server.close());

  const freshLink = async (id = photoId): Promise<string> =>
    (await call(server.url, 'GET', `/v1/ext/photo/${id}`, { token: acme.tokens.user })).body._data.url;

  const assertForbidden = (res: { status: number; json: any }) => {
    assert.equal(res.status, 403);
    assert.equal(res.json._meta.code, 'FORBIDDEN');
    assert.deepEqual(res.json._data, []);
  };

  it('expires exactly five minutes after the fetch', async () => {
    const link = await freshLink();
    assert.equal(new URL(link).searchParams.get('expires'), String(now + FIVE_MINUTES));
    const fetchedAt = now;
    now = fetchedAt + FIVE_MINUTES;
    const last = await download(server.url, link);
    assert.equal(last.status, 200);
    assert.deepEqual(last.bytes, bytes);
    assert.equal(last.headers.get('cache-control'), 'private, max-age=0, immutable', 'nothing left to cache');
    now = fetchedAt + FIVE_MINUTES + 1;
    const expired = await download(server.url, link);
    assertForbidden(expired);
    assert.match(expired.json._errors[0], /expired/);
    now = fetchedAt;
  });

  it('lets caches keep the bytes only while the link lives', async () => {
    const link = await freshLink();
    now += 60_000;
    const res = await download(server.url, link);
    assert.equal(res.headers.get('cache-control'), 'private, max-age=240, immutable');
    now -= 60_000;
  });

  it('refuses a link whose signature, expiry or photo was changed', async () => {
    const link = new URL(await freshLink());
    const signature = link.searchParams.get('signature')!;
    const expires = link.searchParams.get('expires')!;
    const variants: string[] = [];
    const flipped = (signature[0] === 'a' ? 'b' : 'a') + signature.slice(1);
    variants.push(`${link.pathname}?expires=${expires}&signature=${flipped}`);
    variants.push(`${link.pathname}?expires=${Number(expires) + FIVE_MINUTES}&signature=${signature}`);
    variants.push(`${link.pathname.replace(photoId, otherPhotoId)}?expires=${expires}&signature=${signature}`);
    variants.push(`${link.pathname}?expires=${expires}`);
    variants.push(`${link.pathname}?signature=${signature}`);
    variants.push(link.pathname);
    variants.push(`${link.pathname}?expires=${expires}&signature=${signature.toUpperCase()}`);
    variants.push(`${link.pathname}?expires=soon&signature=${signature}`);
    for (const variant of variants) {
      const res = await download(server.url, server.url + variant);
      assertForbidden(res);
      assert.ok(!res.bytes.includes(Buffer.from(bytes.subarray(0, 12))), `no image bytes for ${variant}`);
    }
    assert.equal((await download(server.url, link.href)).status, 200, 'the unaltered link still works');
  });

  it('does not take a bearer token instead of a signature', async () => {
    const res = await download(server.url, `${server.url}/v1/ext/photo/${photoId}/download`, { authorization: `Bearer ${acme.tokens.admin}` });
    assertForbidden(res);
  });

  it('does not verify with another server\'s key', async () => {
    const other = await startTestServer({ clock: () => now, env: { CHAKRA_SECRET_KEY: Buffer.alloc(32, 9).toString('base64') } });
    try {
      const team = await seedTeam(other.runtime, 'acme');
      const id = (await upload(other.url, team.tokens.admin, png(1, 1))).body._data.id;
      const theirLink = new URL((await call(other.url, 'GET', `/v1/ext/photo/${id}`, { token: team.tokens.admin })).body._data.url);
      const forged = `${server.url}/v1/ext/photo/${photoId}/download${theirLink.search}`;
      assertForbidden(await download(server.url, forged));
    } finally {
      await other.close();
    }
  });
});
