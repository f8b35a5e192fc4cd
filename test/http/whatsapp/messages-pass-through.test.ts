import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import type { RunningSandbox } from '../../../src/whatsapp/sandbox/index.ts';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { call, client } from '../../support/http.ts';
import { applyPlugins, PLUGIN_SECRETS } from '../../support/plugins.ts';
import { PHONE_NUMBER_ID, startTestSandbox, WABA_ID } from '../../support/sandbox.ts';

const TO = '919901258433';
/** One body per message type Meta's messages endpoint takes (whatsapp-cloud reference §1). */
const BODIES: Record<string, Record<string, unknown>> = {
  text: { type: 'text', text: { body: 'Hello from the test', preview_url: false } },
  image: { type: 'image', image: { link: 'https://cdn.example.com/a.png', caption: 'A picture' } },
  audio: { type: 'audio', audio: { link: 'https://cdn.example.com/a.ogg' } },
  video: { type: 'video', video: { link: 'https://cdn.example.com/a.mp4' } },
  document: { type: 'document', document: { link: 'https://cdn.example.com/a.pdf', filename: 'a.pdf' } },
  sticker: { type: 'sticker', sticker: { link: 'https://cdn.example.com/a.webp' } },
  location: { type: 'location', location: { latitude: 18.52, longitude: 73.85, name: 'Office', address: 'Pune' } },
  contacts: { type: 'contacts', contacts: [{ name: { formatted_name: 'Asha Rao', first_name: 'Asha' }, phones: [{ phone: '+919900000001', type: 'CELL' }] }] },
  interactive: { type: 'interactive', interactive: { type: 'button', body: { text: 'Pick one' }, action: { buttons: [{ type: 'reply', reply: { id: 'yes', title: 'Yes' } }] } } },
  reaction: { type: 'reaction', reaction: { message_id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA', emoji: '👍' } },
};

describe('Whatsapp Messages API pass-through (API.md §8.1) against the sandbox', () => {
  let sandbox: RunningSandbox;
  let server: TestServer;
  let alpha: SeededTeam;
  let pluginId: string;
  let betaPluginId: string;
  let q: Kysely<any>;
  const path = (plugin = pluginId, version = 'v21.0', phone = PHONE_NUMBER_ID) =>
    `/v1/ext/plugin/whatsapp/${encodeURIComponent(plugin)}/api/${encodeURIComponent(version)}/${encodeURIComponent(phone)}/messages`;
  const send = (body: unknown, token = alpha.tokens.user, at = path()) => client(server.url, token).post(at, body);
  const messages = () => q.selectFrom('whatsapp_messages').selectAll().orderBy('created_at').orderBy('id').execute();

  before(async () => {
    sandbox = await startTestSandbox();
    server = await startTestServer({ env: { GRAPH_TIMEOUT_MS: '700' } });
    q = server.runtime.db.kysely as unknown as Kysely<any>;
    alpha = await seedTeam(server.runtime, 'alpha');
    await seedTeam(server.runtime, 'beta');
    pluginId = (await applyPlugins(server.runtime, 'alpha', [{ wabaId: WABA_ID, phones: [PHONE_NUMBER_ID], graphApiUrl: sandbox.url }])).get(WABA_ID)!;
    betaPluginId = (await applyPlugins(server.runtime, 'beta', [{ wabaId: '999', phones: ['888'], graphApiUrl: sandbox.url }])).get('999')!;
  });
  after(async () => {
    await server?.close();
    await sandbox?.close();
  });

  it('forwards every message type unchanged and answers the wamid; each is kept in the chat log', async () => {
    for (const [type, content] of Object.entries(BODIES)) {
      const body = { messaging_product: 'whatsapp', recipient_type: 'individual', to: `+${TO}`, ...content };
      const res = await send(body, alpha.tokens.user, path(pluginId, 'v19.0'));
      assert.equal(res.status, 200, `${type}: ${JSON.stringify(res.body)}`);
      assert.match(res.body._data.whatsappMessageId, /^wamid\./, type);
      assert.equal(res.body._errors, undefined);
      const received = sandbox.sent().find((m) => m.id === res.body._data.whatsappMessageId);
      assert.deepEqual(received?.message, body, `${type} reached Meta unchanged`);
      const row = (await messages()).find((m) => m.external_id === res.body._data.whatsappMessageId);
      assert.equal(row?.direction, 'OUTBOUND');
      assert.equal(row?.data_type, type);
      assert.equal(row?.delivery_status, 'PENDING');
    }
    const contacts = await q.selectFrom('whatsapp_contacts').selectAll().where('phone', '=', TO).execute();
    assert.equal(contacts.length, 1);
    const chats = await q.selectFrom('whatsapp_chats').selectAll().execute();
    assert.equal(chats.length, 1);
    assert.equal(chats[0].phone_number_id, PHONE_NUMBER_ID);
  });

  it("takes Meta's business-scoped `recipient` in place of `to`, and keeps the message under it", async () => {
    const body = { messaging_product: 'whatsapp', recipient: 'CO.1234567890ABCDEF', type: 'text', text: { body: 'to a business-scoped id' } };
    const res = await send(body);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const row = (await messages()).find((m) => m.external_id === res.body._data.whatsappMessageId);
    const contact = await q.selectFrom('whatsapp_contacts').selectAll().where('id', '=', row?.contact_id).executeTakeFirst();
    assert.equal(contact?.phone, 'CO.1234567890ABCDEF');
  });

  it('forwards read receipts and typing indicators and answers an empty _data, keeping nothing', async () => {
    const before = (await messages()).length;
    const wamid = sandbox.injectInbound(PHONE_NUMBER_ID, { from: TO, type: 'text', text: { body: 'hi' } });
    for (const body of [
      { messaging_product: 'whatsapp', status: 'read', message_id: wamid },
      { messaging_product: 'whatsapp', status: 'read', message_id: wamid, typing_indicator: { type: 'text' } },
    ]) {
      const res = await send(body);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body, { _data: {}, _meta: {} });
    }
    assert.equal((await messages()).length, before);
  });

  it("passes Meta's errors on with Meta's status and (#code) line, and keeps the message as FAILED", async () => {
    const res = await send({ messaging_product: 'whatsapp', to: TO, type: 'text', text: {} });
    assert.equal(res.status, 400);
    assert.match(res.body._errors[0], /^\(#\d+\) /);
    assert.equal(res.body._meta.code, 'UPSTREAM_ERROR');
    assert.equal(typeof res.body._meta.error.code, 'number');
    assert.ok(res.body._meta.error.fbtrace_id);
    const failed = (await messages()).at(-1);
    assert.equal(failed?.delivery_status, 'FAILED');
    assert.equal(failed?.external_id, null);
    assert.equal(server.runtime.db.dialect.readJson(failed?.delivery_error) !== null, true);

    sandbox.setFailures({ failNext: { count: 1, code: 131000, httpStatus: 500 } });
    const upstream = await send({ messaging_product: 'whatsapp', to: TO, type: 'text', text: { body: 'x' } });
    assert.equal(upstream.status, 500);
    assert.match(upstream.body._errors[0], /^\(#131000\)/);
  });

  it('answers 504 when Meta does not answer in time, does not send again, and keeps the message as FAILED', async () => {
    const sentBefore = sandbox.sent().length;
    sandbox.setFailures({ timeouts: { count: 1, delayMs: 3000 } });
    const res = await send({ messaging_product: 'whatsapp', to: TO, type: 'text', text: { body: 'slow' } });
    assert.equal(res.status, 504);
    assert.equal(res.body._meta.code, 'UPSTREAM_TIMEOUT');
    const row = (await messages()).at(-1);
    assert.equal(row?.delivery_status, 'FAILED');
    assert.match(JSON.stringify(server.runtime.db.dialect.readJson(row?.delivery_error)), /UPSTREAM_TIMEOUT/);
    await new Promise((resolve) => setTimeout(resolve, 3200));
    assert.ok(sandbox.sent().length <= sentBefore + 1, 'the send was not repeated');
    sandbox.setFailures({ timeouts: null });
  });

  it("answers 404 for another team's plugin, a number not the plugin's and a malformed id; 400 for a bad version or body", async () => {
    const before = (await messages()).length;
    const text = { messaging_product: 'whatsapp', to: TO, type: 'text', text: { body: 'x' } };
    for (const at of [path(betaPluginId), path(pluginId, 'v21.0', '888'), path('not-a-uuid'), path('01a23bb5-0000-7000-8000-000000000000')]) {
      const res = await send(text, alpha.tokens.admin, at);
      assert.equal(res.status, 404, at);
    }
    assert.equal((await send(text, alpha.tokens.admin, path(pluginId, 'latest'))).status, 400);
    for (const body of [[text], 'text', 42]) assert.equal((await send(body)).status, 400, JSON.stringify(body));
    const malformed = await call(server.url, 'POST', path(), { token: alpha.tokens.user, body: '{"to": ', contentType: 'application/json' });
    assert.equal(malformed.status, 400);
    assert.equal((await client(server.url).post(path(), text)).status, 401);
    assert.equal((await messages()).length, before);
  });

  it('refuses bodies over the JSON limit on every WhatsApp write route (413), sending and storing nothing', async () => {
    const before = { sent: sandbox.sent().length, kept: (await messages()).length };
    const big = 'x'.repeat(1.5 * 1024 * 1024);
    const routes = [
      path(),
      `/v1/ext/plugin/whatsapp/${pluginId}/phoneNumber/${TO}/send-template-message`,
      `/v1/ext/plugin/whatsapp/${pluginId}/update-config`,
      `/v1/ext/plugin/whatsapp/api/v21.0/${WABA_ID}/message_templates`,
      `/v1/whatsapp/v21.0/${PHONE_NUMBER_ID}/calls`,
    ];
    for (const at of routes) {
      const res = await send({ messaging_product: 'whatsapp', to: TO, type: 'text', text: { body: big } }, alpha.tokens.admin, at);
      assert.equal(res.status, 413, at);
      assert.equal(res.body._meta.code, 'PAYLOAD_TOO_LARGE');
    }
    assert.equal(sandbox.sent().length, before.sent);
    assert.equal((await messages()).length, before.kept);
  });

  it('never logs the access token', () => {
    assert.ok(!server.logLines().join('\n').includes(PLUGIN_SECRETS.WHATSAPP_ACCESS_TOKEN));
  });

  it('refuses to prune a plugin that has chats, and keeps it', async () => {
    const withoutPlugins = await server.runtime.services.teamConfig.export('alpha');
    const text = withoutPlugins.replace(/\nplugins:[\s\S]*$/, '\n');
    await assert.rejects(
      server.runtime.services.teamConfig.apply({ teamSlug: 'alpha', text, env: PLUGIN_SECRETS, prune: true }),
      /cannot prune plugin 102290129340398: it has chats or media/,
    );
    assert.equal((await server.runtime.services.plugins.list('alpha')).length, 1);
  });
});
