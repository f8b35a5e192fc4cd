import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSandbox } from '../../../src/whatsapp/sandbox/index.ts';
import { freePort, startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { applyPlugins, PLUGIN_SECRETS } from '../../support/plugins.ts';
import { PHONE_NUMBER_ID, startTestSandbox, WABA_ID } from '../../support/sandbox.ts';

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('sandbox jpeg bytes')]);

/** Media a business uploaded to Meta (here, the sandbox) and got an id for. */
async function uploadToMeta(sandbox: RunningSandbox): Promise<string> {
  const form = new FormData();
  form.append('messaging_product', 'whatsapp');
  form.append('type', 'image/jpeg');
  form.append('file', new Blob([JPEG], { type: 'image/jpeg' }), 'photo.jpg');
  const response = await fetch(`${sandbox.url}/v21.0/${PHONE_NUMBER_ID}/media`, { method: 'POST', headers: { authorization: `Bearer ${PLUGIN_SECRETS.WHATSAPP_ACCESS_TOKEN}` }, body: form });
  const body = (await response.json()) as { id: string };
  assert.equal(response.status, 200, JSON.stringify(body));
  return body.id;
}

describe('Fetch and Show WhatsApp Media (API.md §8.3) against the sandbox', () => {
  let sandbox: RunningSandbox;
  let server: TestServer;
  let alpha: SeededTeam;
  let beta: SeededTeam;
  let mediaId: string;

  before(async () => {
    sandbox = await startTestSandbox();
    const port = await freePort();
    server = await startTestServer({ env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` } });
    alpha = await seedTeam(server.runtime, 'alpha');
    beta = await seedTeam(server.runtime, 'beta');
    await applyPlugins(server.runtime, 'alpha', [{ wabaId: WABA_ID, phones: [PHONE_NUMBER_ID], graphApiUrl: sandbox.url }]);
    // Another business: its own WABA and token.
    await applyPlugins(server.runtime, 'beta', [{ wabaId: '999', phones: ['998'], graphApiUrl: sandbox.url }], { ...PLUGIN_SECRETS, WHATSAPP_ACCESS_TOKEN: 'beta-token' });
    mediaId = await uploadToMeta(sandbox);
  });
  after(async () => {
    await server?.close();
    await sandbox?.close();
  });

  it("answers the media object whose url is this server's show link, and the bytes behind it with the same token", async () => {
    const res = await client(server.url, alpha.tokens.user).get(`/v1/whatsapp/v21.0/media/${mediaId}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const media = res.body._data;
    assert.equal(media.id, mediaId);
    assert.equal(media.mime_type, 'image/jpeg');
    assert.equal(media.file_size, JPEG.length);
    assert.equal(media.url, `${server.url}/v1/whatsapp/v21.0/media/${mediaId}/show`);
    const bytes = await fetch(media.url, { headers: { authorization: `Bearer ${alpha.tokens.user}` } });
    assert.equal(bytes.status, 200);
    assert.equal(bytes.headers.get('content-type'), 'image/jpeg');
    assert.deepEqual(Buffer.from(await bytes.arrayBuffer()), JPEG);
    const v2 = await fetch(`${server.url}/v2/whatsapp/v21.0/media/${mediaId}/show`, { headers: { authorization: `Bearer ${alpha.tokens.admin}` } });
    assert.equal(v2.status, 200);
  });

  it("keeps the media: it is served after Meta's link has expired and Meta forgot it", async () => {
    sandbox.reset();
    const bytes = await fetch(`${server.url}/v1/whatsapp/v21.0/media/${mediaId}/show`, { headers: { authorization: `Bearer ${alpha.tokens.user}` } });
    assert.equal(bytes.status, 200);
    assert.deepEqual(Buffer.from(await bytes.arrayBuffer()), JPEG);
  });

  it("answers 404 for media of another team's WABA, unknown ids and odd ones; 401 without a token", async () => {
    const other = await uploadToMeta(sandbox);
    assert.equal((await client(server.url, beta.tokens.admin).get(`/v1/whatsapp/v21.0/media/${other}`)).status, 404);
    assert.equal((await client(server.url, beta.tokens.admin).get(`/v1/whatsapp/v21.0/media/${mediaId}/show`)).status, 404);
    for (const id of ['123456789', '..', 'a%2Fb']) assert.equal((await client(server.url, alpha.tokens.admin).get(`/v1/whatsapp/v21.0/media/${id}`)).status, 404, id);
    assert.equal((await client(server.url).get(`/v1/whatsapp/v21.0/media/${mediaId}`)).status, 401);
  });
});
