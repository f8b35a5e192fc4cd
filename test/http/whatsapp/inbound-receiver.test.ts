import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { freePort, startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam } from '../../support/factories.ts';
import { call } from '../../support/http.ts';
import { applyPlugins, PLUGIN_SECRETS } from '../../support/plugins.ts';

const WABA = '102290129340398';
const PHONE_ID = '106540352242922';
const APP_SECRET = PLUGIN_SECRETS.WHATSAPP_APP_SECRET;
const sign = (body: string | Buffer, secret: string = APP_SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** A text message event as Meta writes it (non-ASCII escaped, `/` escaped). */
function textEvent(wamid: string, body = 'Ol\\u00e1, 1\\/2'): string {
  return `{"object":"whatsapp_business_account","entry":[{"id":"${WABA}","changes":[{"value":{"messaging_product":"whatsapp",`
    + `"metadata":{"display_phone_number":"15550000000","phone_number_id":"${PHONE_ID}"},"contacts":[{"profile":{"name":"Asha"},"wa_id":"919900000001"}],`
    + `"messages":[{"from":"919900000001","id":"${wamid}","timestamp":"1764720000","text":{"body":"${body}"},"type":"text"}]},"field":"messages"}]}]}`;
}

describe("Meta's webhook receiver (API.md §8.4)", () => {
  let server: TestServer;
  let q: Kysely<any>;
  let pluginId: string;
  let otherTeamPluginId: string;
  const path = (id = pluginId) => `/v1/webhooks/whatsapp/${id}`;
  const post = (body: string | Buffer, signature: string | undefined, id = pluginId, contentType = 'application/json') =>
    call(server.url, 'POST', path(id), { body, contentType, headers: signature === undefined ? {} : { 'x-hub-signature-256': signature } });
  const counts = async () => ({
    events: Number((await q.selectFrom('whatsapp_inbound_events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
    jobs: Number((await q.selectFrom('jobs').select((eb) => eb.fn.countAll().as('n')).where('queue', '=', 'inbound').executeTakeFirstOrThrow()).n),
    messages: Number((await q.selectFrom('whatsapp_messages').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
  });

  before(async () => {
    // PUBLIC_URL is the server's own address, so the in-process sandbox can call the receiver.
    const port = await freePort();
    server = await startTestServer({ env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` } });
    q = server.runtime.db.kysely as unknown as Kysely<any>;
    await seedTeam(server.runtime, 'alpha');
    await seedTeam(server.runtime, 'beta');
    pluginId = (await applyPlugins(server.runtime, 'alpha', [{ wabaId: WABA, phones: [PHONE_ID], graphApiUrl: 'http://127.0.0.1:9' }])).get(WABA)!;
    otherTeamPluginId = (await applyPlugins(server.runtime, 'beta', [{ wabaId: '900000000000001', phones: ['900000000000002'], graphApiUrl: 'http://127.0.0.1:9' }],
      { ...PLUGIN_SECRETS, WHATSAPP_APP_SECRET: 'beta-app-secret', WHATSAPP_VERIFY_TOKEN: 'beta-verify' })).get('900000000000001')!;
  });
  after(async () => {
    await server?.close();
  });

  it("answers Meta's verification with the challenge only for the plugin's verify token", async () => {
    const query = (token: string, mode = 'subscribe') => `?hub.mode=${mode}&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=1158201444`;
    const ok = await call(server.url, 'GET', path() + query(PLUGIN_SECRETS.WHATSAPP_VERIFY_TOKEN));
    assert.equal(ok.status, 200);
    assert.equal(ok.body, '1158201444');
    assert.match(ok.headers.get('content-type') ?? '', /^text\/plain/);
    for (const [token, mode, id] of [['wrong', 'subscribe', pluginId], [PLUGIN_SECRETS.WHATSAPP_VERIFY_TOKEN, 'unsubscribe', pluginId],
      [PLUGIN_SECRETS.WHATSAPP_VERIFY_TOKEN, 'subscribe', otherTeamPluginId], ['x', 'subscribe', randomUUID()], ['x', 'subscribe', 'not-a-uuid']]) {
      const refused = await call(server.url, 'GET', path(id) + query(token, mode));
      assert.equal(refused.status, 403, `${token} ${mode} ${id}`);
      assert.ok(!JSON.stringify(refused.body).includes('1158201444'));
    }
    const noChallenge = await call(server.url, 'GET', `${path()}?hub.mode=subscribe&hub.verify_token=${PLUGIN_SECRETS.WHATSAPP_VERIFY_TOKEN}`);
    assert.equal(noChallenge.status, 403);
  });

  it('refuses a missing, malformed, forged or wrong-secret signature, an unknown plugin and another plugin\'s secret with 401, keeping nothing', async () => {
    const body = textEvent('wamid.refused1');
    const cases: [string | undefined, string][] = [
      [undefined, pluginId], ['', pluginId], ['sha256=zz', pluginId], [sign(body).replace(/.$/, (c) => (c === '0' ? '1' : '0')), pluginId],
      [sign(body, 'another-secret'), pluginId], [sign(body).slice('sha256='.length), pluginId], [sign(`${body} `), pluginId],
      [sign(body), randomUUID()], [sign(body), 'not-a-uuid'], [sign(body), otherTeamPluginId],
    ];
    for (const [signature, id] of cases) {
      const res = await post(body, signature, id);
      assert.equal(res.status, 401, `${signature} ${id}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body._meta.code, 'UNAUTHORIZED');
      assert.ok(!JSON.stringify(res.body).includes(APP_SECRET));
    }
    assert.deepEqual(await counts(), { events: 0, jobs: 0, messages: 0 });
  });

  it('refuses bodies that are not a JSON object (400) and oversized bodies (413), even when signed, keeping nothing', async () => {
    const deep = `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    for (const body of ['{"object":', 'null', '[1,2]', '"text"', Buffer.from([0x7b, 0xff, 0x7d]), '{"a":"\\u0000"}', '{"a":"\\ud800"}', deep, '']) {
      const res = await post(body, sign(body));
      assert.equal(res.status, 400, String(body));
      assert.equal(res.body._meta.code, 'BAD_REQUEST');
    }
    const plain = 'hello';
    assert.equal((await post(plain, sign(plain), pluginId, 'text/plain')).status, 400);
    const huge = `{"pad":"${'x'.repeat(1024 * 1024)}"}`;
    const tooLarge = await post(huge, sign(huge));
    assert.equal(tooLarge.status, 413);
    assert.deepEqual(await counts(), { events: 0, jobs: 0, messages: 0 });
  });

  it('keeps a signed event byte for byte before answering 200, and the same bytes posted again are kept and processed once', async () => {
    const body = textEvent('wamid.once1');
    const first = await post(body, sign(body));
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const again = await post(body, sign(body), pluginId, 'application/json; charset=utf-8');
    assert.equal(again.status, 200);
    assert.deepEqual(await counts(), { events: 1, jobs: 1, messages: 0 });
    const stored = await q.selectFrom('whatsapp_inbound_events').selectAll().executeTakeFirstOrThrow();
    assert.equal(stored.body, body);
    assert.equal(stored.plugin_id, pluginId);
    assert.equal(stored.processed_at, null);

    while ((await server.runtime.engine.runOnce()) > 0);
    const third = await post(body, sign(body));
    assert.equal(third.status, 200);
    while ((await server.runtime.engine.runOnce()) > 0);
    assert.deepEqual(await counts(), { events: 1, jobs: 1, messages: 1 });
    const message = await q.selectFrom('whatsapp_messages').selectAll().executeTakeFirstOrThrow();
    assert.equal(message.external_id, 'wamid.once1');
    assert.equal(message.direction, 'INBOUND');
    assert.equal(message.text, 'Olá, 1/2');
    assert.ok((await q.selectFrom('whatsapp_inbound_events').select('processed_at').executeTakeFirstOrThrow()).processed_at !== null);
  });

  it('never logs the secrets or the signature', async () => {
    const logs = server.logLines().join('\n');
    for (const secret of Object.values(PLUGIN_SECRETS)) assert.ok(!logs.includes(secret), 'a secret was logged');
    assert.ok(!logs.includes(sign(textEvent('wamid.once1')).slice(7)), 'a signature was logged');
  });

  it("registers a `sandbox:` plugin's account with this server's receiver, so the demo's inbound messages arrive", async () => {
    const gamma = await seedTeam(server.runtime, 'gamma');
    const id = (await applyPlugins(server.runtime, 'gamma', [{ wabaId: '700000000000001', phones: ['700000000000002'] }])).get('700000000000001')!;
    const { target } = await server.runtime.services.plugins.accountFor(gamma.teamId, '700000000000001', id);
    const injected = await fetch(`${target.graphApiUrl}/_sandbox/inbound`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phoneNumberId: '700000000000002', from: '919500000001', type: 'text', text: { body: 'demo hello' } }),
    });
    const { id: wamid } = (await injected.json()) as { id: string };
    const stored = () => q.selectFrom('whatsapp_messages').select(['team_id', 'text']).where('external_id', '=', wamid).executeTakeFirst();
    for (let i = 0; i < 300 && !(await stored()); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      await server.runtime.engine.runOnce();
    }
    assert.deepEqual({ ...(await stored()) }, { team_id: gamma.teamId, text: 'demo hello' });
  });

  it('is described in the OpenAPI document as a route without a bearer token', async () => {
    const doc = await call(server.url, 'GET', '/openapi.json');
    assert.equal(doc.status, 200);
    const route = doc.body.paths['/v1/webhooks/whatsapp/{pluginId}'];
    assert.ok(route?.get && route?.post);
    assert.deepEqual(route.post.security, []);
  });
});
