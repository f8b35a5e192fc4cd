import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { call } from '../../support/http.ts';
import { gif, jpeg, png, webp } from '../../fixtures/images/images.ts';
import { assertError, download, sha256, storedFiles, upload } from './photo-support.ts';

const MAX_BYTES = 400_000;
const PHOTO_KEYS = ['createdAt', 'filename', 'filetype', 'height', 'id', 'isPublic', 'mimeType', 'sha256', 'size', 'team', 'updatedAt', 'user', 'width'];

describe('Photos: upload and fetch (API.md §7)', () => {
  let server: TestServer;
  let acme: SeededTeam;
  let globex: SeededTeam;
  before(async () => {
    server = await startTestServer({ env: { PHOTO_MAX_BYTES: String(MAX_BYTES) } });
    acme = await seedTeam(server.runtime, 'acme');
    globex = await seedTeam(server.runtime, 'globex');
  });
  after(() => server.close());

  const files = () => storedFiles(server.runtime.config.storage.dataDir);

  it('stores a PNG and answers the photo object with what it read from the bytes', async () => {
    const bytes = png(7, 3);
    const before = Date.now();
    const res = await upload(server.url, acme.tokens.manager, bytes, { name: 'shot.png', type: 'image/png', fields: { filename: 'mobile_screenshot', filetype: 'png' } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body._meta, {});
    const photo = res.body._data;
    assert.deepEqual(Object.keys(photo).sort(), PHOTO_KEYS);
    assert.match(photo.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(photo.filename, 'mobile_screenshot');
    assert.equal(photo.filetype, 'png');
    assert.equal(photo.mimeType, 'image/png');
    assert.equal(photo.width, 7);
    assert.equal(photo.height, 3);
    assert.equal(photo.size, bytes.length);
    assert.equal(photo.sha256, sha256(bytes));
    assert.equal(photo.isPublic, false);
    assert.equal(photo.team, acme.teamId);
    assert.equal(photo.user, acme.userIds.ravi, 'the manager key acts as ravi');
    assert.ok(photo.createdAt >= before && photo.createdAt <= Date.now());
    assert.equal(photo.updatedAt, photo.createdAt);
  });

  for (const [label, bytes, mimeType, width, height] of [
    ['JPEG', jpeg(9, 17), 'image/jpeg', 9, 17],
    ['GIF', gif(5, 4), 'image/gif', 5, 4],
    ['WebP', webp(6, 2), 'image/webp', 6, 2],
    ['JPEG whose header lies beyond the first 256 KiB', jpeg(12, 8, 300_000), 'image/jpeg', 12, 8],
  ] as const) {
    it(`recognises a ${label} by its bytes and reads its size`, async () => {
      const res = await upload(server.url, acme.tokens.user, bytes, { name: 'picture', type: 'application/octet-stream' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body._data.mimeType, mimeType);
      assert.equal(res.body._data.filetype, mimeType.slice('image/'.length), 'without a declared filetype, the sniffed one');
      assert.equal(res.body._data.filename, 'picture', 'without a filename field, the name of the file part');
      assert.deepEqual([res.body._data.width, res.body._data.height], [width, height]);
      assert.equal(res.body._data.sha256, sha256(bytes));
      assert.equal(res.body._data.user, acme.userIds.john);
    });
  }

  it('keeps the declared filetype but reports the sniffed mimeType when the client mislabels a PNG', async () => {
    const bytes = png(4, 4, 1);
    const res = await upload(server.url, acme.tokens.admin, bytes, { name: 'photo.jpg', type: 'image/jpeg', fields: { filetype: 'jpg', filename: 'holiday' }, fieldsFirst: true });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body._data.filetype, 'jpg');
    assert.equal(res.body._data.mimeType, 'image/png');
    const fetched = await call(server.url, 'GET', `/v1/ext/photo/${res.body._data.id}`, { token: acme.tokens.admin });
    const served = await download(server.url, fetched.body._data.url);
    assert.equal(served.headers.get('content-type'), 'image/png', 'served as what it is');
    assert.deepEqual(served.bytes, bytes);
  });

  it('fetches the photo object plus a signed url that serves the exact bytes without a token', async () => {
    const bytes = gif(3, 2);
    const created = (await upload(server.url, acme.tokens.user, bytes, { name: 'x.gif', type: 'image/gif' })).body._data;
    const res = await call(server.url, 'GET', `/v1/ext/photo/${created.id}`, { token: acme.tokens.manager });
    assert.equal(res.status, 200);
    const { url, ...rest } = res.body._data;
    assert.deepEqual(rest, created);
    const publicUrl = server.runtime.config.http.publicUrl;
    assert.ok(url.startsWith(`${publicUrl}/v1/ext/photo/${created.id}/download?`), url);
    assert.match(url, /[?&]expires=\d+&signature=[0-9a-f]{64}$/);

    const served = await download(server.url, url);
    assert.equal(served.status, 200);
    assert.deepEqual(served.bytes, bytes);
    assert.equal(served.headers.get('content-type'), 'image/gif');
    assert.equal(served.headers.get('content-length'), String(bytes.length));
    assert.match(served.headers.get('cache-control') ?? '', /^private, max-age=(\d+)/);
    const maxAge = Number(/max-age=(\d+)/.exec(served.headers.get('cache-control')!)![1]);
    assert.ok(maxAge > 0 && maxAge <= 300, `never cached beyond the link's life: ${maxAge}`);
    assert.equal(served.headers.get('etag'), `"${sha256(bytes)}"`);
  });

  it('answers 404 for an unknown photo and for another team\'s photo, 400 for a malformed id', async () => {
    const mine = (await upload(server.url, acme.tokens.admin, png(2, 2), { type: 'image/png' })).body._data;
    assertError(await call(server.url, 'GET', `/v1/ext/photo/${mine.id}`, { token: globex.tokens.admin }), 404, 'NOT_FOUND');
    assertError(await call(server.url, 'GET', '/v1/ext/photo/0190f4c8-8d3e-7c1a-9b2f-3a4b5c6d7e8f', { token: acme.tokens.admin }), 404, 'NOT_FOUND');
    assertError(await call(server.url, 'GET', '/v1/ext/photo/not-a-uuid', { token: acme.tokens.admin }), 400, 'BAD_REQUEST');
    assert.equal((await call(server.url, 'GET', `/v1/ext/photo/${mine.id}`, { token: acme.tokens.admin })).status, 200);
  });

  it('requires a token to upload and to fetch', async () => {
    const form = new FormData();
    form.append('photo', new Blob([new Uint8Array(png(1, 1))]), 'a.png');
    assertError(await call(server.url, 'POST', '/v1/ext/photo', { body: form }), 401, 'UNAUTHORIZED');
    assertError(await call(server.url, 'GET', '/v1/ext/photo/0190f4c8-8d3e-7c1a-9b2f-3a4b5c6d7e8f'), 401, 'UNAUTHORIZED');
  });

  it('answers a big upload refused before its file is read, and the connection keeps working', async () => {
    const big = Buffer.concat([png(3, 3), Buffer.alloc(3_000_000, 7)]);
    for (let round = 0; round < 4; round++) {
      const misnamed = await upload(server.url, acme.tokens.admin, big, { part: 'file', type: 'image/png' });
      assertError(misnamed, 400, 'VALIDATION_FAILED');
      const fieldFirst = await upload(server.url, acme.tokens.admin, big, { fields: { colour: 'red' }, fieldsFirst: true });
      assertError(fieldFirst, 400, 'VALIDATION_FAILED');
      const next = await upload(server.url, acme.tokens.admin, png(2, 3), { type: 'image/png' });
      assert.equal(next.status, 200, JSON.stringify(next.body));
    }
  });

  describe('errors store nothing', () => {
    let filesBefore: string[];
    before(() => {
      filesBefore = files();
    });
    after(() => {
      assert.deepEqual(files().sort(), filesBefore.sort(), 'no failed upload left a file behind');
      const failures = server.logLines().filter((line) => JSON.parse(line).level >= 50);
      assert.deepEqual(failures, [], 'client mistakes are never logged as server failures');
    });

    it('refuses a form without a file part (400)', async () => {
      const res = await upload(server.url, acme.tokens.admin, null, { fields: { filename: 'nothing', filetype: 'png' } });
      assertError(res, 400, 'VALIDATION_FAILED');
      assert.match(res.body._errors[0], /^photo: is required/);
    });

    it('refuses JSON where multipart is required (415)', async () => {
      const res = await call(server.url, 'POST', '/v1/ext/photo', { token: acme.tokens.admin, json: { photo: 'aGVsbG8=', filename: 'x' } });
      assertError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
      const withId = await call(server.url, 'POST', '/v1/ext/photo/0190f4c8-8d3e-7c1a-9b2f-3a4b5c6d7e8f', { token: acme.tokens.admin, json: {} });
      assertError(withId, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('refuses a file over the limit (413), but takes one of exactly the limit', async () => {
      const image = png(3, 3);
      const atLimit = Buffer.concat([image, Buffer.alloc(MAX_BYTES - image.length, 7)]);
      const over = Buffer.concat([atLimit, Buffer.from([7])]);
      const id = '0190f4c8-8d3e-7c1a-9b2f-000000000413';
      const res = await upload(server.url, acme.tokens.admin, over, { id, type: 'image/png' });
      assertError(res, 413, 'PAYLOAD_TOO_LARGE');
      assertError(await call(server.url, 'GET', `/v1/ext/photo/${id}`, { token: acme.tokens.admin }), 404, 'NOT_FOUND');
      // Refused long before the client has sent everything: the answer must still arrive, and
      // the connection must stay usable for the next request (several rounds, as it is timing).
      for (let round = 0; round < 8; round++) {
        const much = await upload(server.url, acme.tokens.admin, Buffer.concat([over, Buffer.alloc(2_000_000)]), { type: 'image/png' });
        assertError(much, 413, 'PAYLOAD_TOO_LARGE');
        assertError(await call(server.url, 'GET', `/v1/ext/photo/${id}`, { token: acme.tokens.admin }), 404, 'NOT_FOUND');
      }

      const ok = await upload(server.url, acme.tokens.admin, atLimit, { type: 'image/png' });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.body._data.size, MAX_BYTES);
      filesBefore.push(...files().filter((f) => !filesBefore.includes(f)));
    });

    it('refuses bytes that are not an image whatever they claim (400)', async () => {
      const text = Buffer.from('this is certainly not a picture, whatever the name says');
      const res = await upload(server.url, acme.tokens.admin, text, { name: 'fake.png', type: 'image/png', fields: { filetype: 'png' } });
      assertError(res, 400, 'BAD_REQUEST');
      assert.match(res.body._errors[0], /not a PNG, JPEG, GIF or WebP image/);
      const pdf = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n');
      assertError(await upload(server.url, acme.tokens.admin, pdf, { type: 'image/jpeg' }), 400, 'BAD_REQUEST');
      assertError(await upload(server.url, acme.tokens.admin, Buffer.alloc(0), { type: 'image/png' }), 400, 'BAD_REQUEST');
    });

    it('refuses an image whose header is cut off (400)', async () => {
      const res = await upload(server.url, acme.tokens.admin, png(5, 5).subarray(0, 14), { type: 'image/png' });
      assertError(res, 400, 'BAD_REQUEST');
      assert.match(res.body._errors[0], /damaged or truncated/);
    });

    it('refuses unknown fields, a file under another name and a text "photo" (400)', async () => {
      const unknown = await upload(server.url, acme.tokens.admin, png(2, 2), { fields: { colour: 'red' } });
      assertError(unknown, 400, 'VALIDATION_FAILED');
      assert.deepEqual(unknown.body._errors, ['colour: unknown field']);
      const misnamed = await upload(server.url, acme.tokens.admin, png(2, 2), { part: 'file' });
      assertError(misnamed, 400, 'VALIDATION_FAILED');
      assert.match(misnamed.body._errors[0], /^file: unexpected file part/);
      const form = new FormData();
      form.append('photo', 'not a file');
      assertError(await call(server.url, 'POST', '/v1/ext/photo', { token: acme.tokens.admin, body: form }), 400, 'VALIDATION_FAILED');
      const tooLong = await upload(server.url, acme.tokens.admin, png(2, 2), { fields: { filename: 'x'.repeat(256) } });
      assertError(tooLong, 400, 'VALIDATION_FAILED');
    });

    it('refuses a second file (413, the form allows one)', async () => {
      const form = new FormData();
      form.append('photo', new Blob([new Uint8Array(png(2, 2))]), 'a.png');
      form.append('photo', new Blob([new Uint8Array(png(2, 2, 3))]), 'b.png');
      assertError(await call(server.url, 'POST', '/v1/ext/photo', { token: acme.tokens.admin, body: form }), 413, 'PAYLOAD_TOO_LARGE');
    });

    it('refuses a malformed multipart body (400)', async () => {
      const res = await call(server.url, 'POST', '/v1/ext/photo', {
        token: acme.tokens.admin,
        body: '--xyz\r\nContent-Disposition: form-data; name="photo"; filename="a.png"\r\n\r\n\x89PNG',
        contentType: 'multipart/form-data; boundary=xyz',
      });
      assertError(res, 400, 'BAD_REQUEST');
      const noBoundary = await call(server.url, 'POST', '/v1/ext/photo', { token: acme.tokens.admin, body: 'abc', contentType: 'multipart/form-data' });
      assertError(noBoundary, 400, 'BAD_REQUEST');
      const badJsonField = await call(server.url, 'POST', '/v1/ext/photo', {
        token: acme.tokens.admin,
        body: '--xyz\r\nContent-Disposition: form-data; name="filename"\r\nContent-Type: application/json\r\n\r\n{"not json\r\n--xyz--\r\n',
        contentType: 'multipart/form-data; boundary=xyz',
      });
      assertError(badJsonField, 400, 'BAD_REQUEST');
    });
  });
});
