import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { call } from '../../support/http.ts';
import { jpeg, png } from '../../fixtures/images/images.ts';
import { assertError, download, sha256, storedFiles, upload } from './photo-support.ts';

describe('Upload Photo With Id: client-chosen ids, idempotent (API.md §7)', () => {
  let now = 1_700_000_000_000;
  let server: TestServer;
  let acme: SeededTeam;
  let globex: SeededTeam;
  before(async () => {
    server = await startTestServer({ clock: () => now });
    acme = await seedTeam(server.runtime, 'acme');
    globex = await seedTeam(server.runtime, 'globex');
  });
  after(() => server.close());

  const fetchPhoto = (team: SeededTeam, id: string) => call(server.url, 'GET', `/v1/ext/photo/${id}`, { token: team.tokens.admin });
  const files = () => storedFiles(server.runtime.config.storage.dataDir);

  it('creates the photo under the id the client chose (a v4 UUID is fine)', async () => {
    const id = randomUUID();
    const bytes = png(6, 5);
    const res = await upload(server.url, acme.tokens.user, bytes, { id, type: 'image/png', fields: { filename: 'offline', filetype: 'png' } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body._data.id, id);
    assert.equal(res.body._data.createdAt, now);
    assert.deepEqual([res.body._data.width, res.body._data.height], [6, 5]);
    assert.equal((await fetchPhoto(acme, id)).body._data.sha256, sha256(bytes));
  });

  it('answers the same object again for the same id and bytes, without storing a second copy', async () => {
    const id = randomUUID();
    const bytes = jpeg(16, 16);
    const first = await upload(server.url, acme.tokens.user, bytes, { id, type: 'image/jpeg', fields: { filename: 'first' } });
    assert.equal(first.status, 200);
    const stored = files().length;
    now += 60_000;
    // A retry after a lost response may even carry other text fields: the photo stays as first made.
    const again = await upload(server.url, acme.tokens.manager, bytes, { id, type: 'image/jpeg', fields: { filename: 'retry' } });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.deepEqual(again.body._data, first.body._data);
    assert.equal(files().length, stored, 'the retry stored no file');
  });

  it('refuses different bytes under an existing id (409) and keeps the original', async () => {
    const id = randomUUID();
    const original = png(3, 3, 1);
    assert.equal((await upload(server.url, acme.tokens.admin, original, { id })).status, 200);
    const stored = files().length;
    const res = await upload(server.url, acme.tokens.admin, png(3, 3, 2), { id });
    assertError(res, 409, 'CONFLICT');
    assert.equal(files().length, stored, 'the refused bytes were not kept');
    const fetched = await fetchPhoto(acme, id);
    assert.equal(fetched.body._data.sha256, sha256(original));
    assert.deepEqual((await download(server.url, fetched.body._data.url)).bytes, original);
  });

  it('refuses a non-UUID id (400) before storing anything', async () => {
    const stored = files().length;
    for (const bad of ['not-a-uuid', '12345', 'f03ee609-cd2d-4e61-821d-9b0531e4ad8', '..%2F..%2Fsecret-key']) {
      const res = await upload(server.url, acme.tokens.admin, png(2, 2), { id: bad });
      assertError(res, 400, 'BAD_REQUEST');
    }
    assert.equal(files().length, stored);
  });

  it('never answers 200 for an id another team uses, and never shows that team\'s photo', async () => {
    const id = randomUUID();
    const theirs = png(4, 2, 5);
    assert.equal((await upload(server.url, globex.tokens.admin, theirs, { id, fields: { filename: 'globex secret' } })).status, 200);
    const stored = files().length;
    for (const bytes of [theirs, png(4, 2, 6)]) {
      const res = await upload(server.url, acme.tokens.admin, bytes, { id });
      assertError(res, 409, 'CONFLICT');
      const text = JSON.stringify(res.body);
      assert.ok(!text.includes('globex secret') && !text.includes(globex.teamId) && !text.includes(sha256(theirs)), text);
    }
    assert.equal(files().length, stored, 'the refused uploads left no file');
    assertError(await fetchPhoto(acme, id), 404, 'NOT_FOUND');
    const kept = await fetchPhoto(globex, id);
    assert.equal(kept.body._data.filename, 'globex secret');
    assert.equal(kept.body._data.sha256, sha256(theirs));
  });

  it('treats an upper-case id as the same photo', async () => {
    const id = randomUUID();
    const bytes = png(2, 7);
    const first = await upload(server.url, acme.tokens.admin, bytes, { id: id.toUpperCase() });
    assert.equal(first.status, 200);
    assert.equal(first.body._data.id, id);
    const again = await upload(server.url, acme.tokens.admin, bytes, { id });
    assert.deepEqual(again.body._data, first.body._data);
    assert.equal((await fetchPhoto(acme, id.toUpperCase())).status, 200);
  });

  it('settles concurrent uploads of one id: one photo, one file, same bytes answer 200, different bytes 409', async () => {
    const id = randomUUID();
    const stored = files().length;
    const same = png(9, 9, 4);
    const results = await Promise.all([
      upload(server.url, acme.tokens.admin, same, { id }),
      upload(server.url, acme.tokens.admin, same, { id }),
      upload(server.url, acme.tokens.admin, png(9, 9, 7), { id }),
    ]);
    const statuses = results.map((r) => r.status);
    const winners = results.filter((r) => r.status === 200);
    assert.ok(winners.length >= 1, statuses.join());
    assert.ok(statuses.every((s) => s === 200 || s === 409), statuses.join());
    for (const w of winners) assert.deepEqual(w.body._data, winners[0]!.body._data);
    const photo = (await fetchPhoto(acme, id)).body._data;
    assert.equal(files().length, stored + 1, 'exactly one file for the one photo');
    assert.deepEqual((await download(server.url, photo.url)).bytes.length, photo.size);
    // Whichever bytes won, every 200 describes them and every 409 sent the other ones.
    assert.equal(results[2]!.status === 200, photo.sha256 === sha256(png(9, 9, 7)));
  });
});
