import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { call } from '../../support/http.ts';
import { applyPlugins } from '../../support/plugins.ts';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e2f1f8a50000000049454e44ae426082', 'hex');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
const HTML = Buffer.from('<!doctype html><script>alert(1)</script>');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>');

/** The official SDK's upload: the part is application/octet-stream; a nameless file is named "undefined". */
function form(bytes: Buffer, partName: string, filename?: string): FormData {
  const body = new FormData();
  body.append('file', new Blob([bytes], { type: 'application/octet-stream' }), partName);
  if (filename !== undefined) body.append('filename', filename);
  return body;
}

describe('Upload Public Media (API.md §8.3)', () => {
  let server: TestServer;
  let alpha: SeededTeam;
  let beta: SeededTeam;
  let pluginId: string;
  const upload = (body: FormData, token = alpha.tokens.user, plugin = pluginId) =>
    call(server.url, 'POST', `/v1/ext/plugin/whatsapp/${encodeURIComponent(plugin)}/upload-public-media`, { token, body });

  before(async () => {
    const port = await freePort();
    server = await startTestServer({ env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, MEDIA_MAX_IMAGE_BYTES: '2048' } });
    alpha = await seedTeam(server.runtime, 'alpha');
    beta = await seedTeam(server.runtime, 'beta');
    pluginId = (await applyPlugins(server.runtime, 'alpha', [{ wabaId: '1', phones: ['2'] }])).get('1')!;
  });
  after(() => server.close());

  it('tells the type from the bytes and serves the file at an unguessable URL without a token', async () => {
    const res = await upload(form(PNG, 'undefined'));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const url: string = res.body._data.publicMediaUrl;
    assert.match(url, new RegExp(`^${server.url}/public-media/${alpha.teamId}/\\d{4}-\\d{2}-\\d{2}/[0-9a-f-]{36}\\.png$`));
    const served = await fetch(url);
    assert.equal(served.status, 200);
    assert.equal(served.headers.get('content-type'), 'image/png');
    assert.equal(served.headers.get('x-content-type-options'), 'nosniff');
    assert.match(served.headers.get('content-security-policy') ?? '', /sandbox/);
    assert.deepEqual(Buffer.from(await served.arrayBuffer()), PNG);
  });

  it('keeps the name from the filename field, else the part, and serves documents as attachments', async () => {
    const res = await upload(form(PDF, 'part-name.pdf', 'Invoice 7.pdf'));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.match(res.body._data.publicMediaUrl, /\.pdf$/);
    const served = await fetch(res.body._data.publicMediaUrl);
    assert.equal(served.headers.get('content-type'), 'application/pdf');
    assert.match(served.headers.get('content-disposition') ?? '', /filename="Invoice_7\.pdf"/);
  });

  it('refuses HTML, SVG and unknown bytes (415), files over the type limit (413) and odd forms (400), storing nothing', async () => {
    for (const [bytes, name] of [[HTML, 'page.html'], [SVG, 'image.svg'], [Buffer.from('just text <b>'), 'a.txt'], [Buffer.alloc(64, 7), 'x.bin']] as const) {
      const res = await upload(form(bytes, name));
      assert.equal(res.status, 415, name);
    }
    const big = Buffer.concat([PNG, Buffer.alloc(4096)]);
    assert.equal((await upload(form(big, 'big.png'))).status, 413);
    const wrongPart = new FormData();
    wrongPart.append('photo', new Blob([PNG]), 'a.png');
    assert.equal((await upload(wrongPart)).status, 400);
    const noFile = new FormData();
    noFile.append('filename', 'a.png');
    assert.equal((await upload(noFile)).status, 400);
    const extra = form(PNG, 'a.png');
    extra.append('surprise', 'x');
    assert.equal((await upload(extra)).status, 400);
  });

  it("answers 404 for another team's plugin and for any path that was not handed out", async () => {
    assert.equal((await upload(form(PNG, 'a.png'), beta.tokens.admin)).status, 404);
    assert.equal((await upload(form(PNG, 'a.png'), alpha.tokens.admin, 'not-a-uuid')).status, 404);
    for (const path of [`${alpha.teamId}/2026-01-01/00000000-0000-4000-8000-000000000000.png`, '../../etc/passwd', 'x']) {
      assert.equal((await fetch(`${server.url}/public-media/${path}`)).status, 404, path);
    }
    assert.equal((await call(server.url, 'POST', `/v1/ext/plugin/whatsapp/${pluginId}/upload-public-media`, { body: form(PNG, 'a.png') })).status, 401);
  });
});
