import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSandbox } from '../../../src/whatsapp/sandbox/index.ts';
import { freePort, startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { applyPlugins, PLUGIN_SECRETS } from '../../support/plugins.ts';
import { PHONE_NUMBER_ID, startTestSandbox, WABA_ID } from '../../support/sandbox.ts';

const template = (name: string) => ({
  name, language: 'en_US', category: 'UTILITY',
  components: [{ type: 'BODY', text: 'Hi {{1}}', example: { body_text: [['John']] } }],
});

describe('Message templates pass-through (API.md §8.2) against the sandbox', () => {
  let sandbox: RunningSandbox;
  let server: TestServer;
  let alpha: SeededTeam;
  let beta: SeededTeam;
  let pluginId: string;
  const base = '/v1/ext/plugin/whatsapp/api/v21.0';

  before(async () => {
    sandbox = await startTestSandbox();
    const port = await freePort();
    server = await startTestServer({ env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` } });
    alpha = await seedTeam(server.runtime, 'alpha');
    beta = await seedTeam(server.runtime, 'beta');
    pluginId = (await applyPlugins(server.runtime, 'alpha', [{ wabaId: WABA_ID, phones: [PHONE_NUMBER_ID], graphApiUrl: sandbox.url }])).get(WABA_ID)!;
    await applyPlugins(server.runtime, 'beta', [{ wabaId: '777', phones: ['778'], graphApiUrl: sandbox.url }]);
  });
  after(async () => {
    await server?.close();
    await sandbox?.close();
  });

  it("creates templates and answers Meta's body unwrapped, with or without the plugin id in the path", async () => {
    const admin = client(server.url, alpha.tokens.admin);
    for (const [index, path] of [`${base}/${WABA_ID}/message_templates`, `/v1/ext/plugin/whatsapp/${pluginId}/api/v21.0/${WABA_ID}/message_templates`].entries()) {
      for (let i = 0; i < 3; i++) {
        const res = await admin.post(path, template(`reminder_${index}_${i}`));
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.match(res.body.id, /^\d+$/);
        assert.equal(res.body.category, 'UTILITY');
        assert.equal(res.body._data, undefined, 'not the envelope');
      }
    }
  });

  it('lists pages whose next links point at this server without the token, and follows them verbatim', async () => {
    const seen: string[] = [];
    let url: string | undefined = `${server.url}${base}/${WABA_ID}/message_templates?limit=2&fields=name,status`;
    for (let page = 0; url && page < 10; page++) {
      const response = await fetch(url, { headers: { authorization: `Bearer ${alpha.tokens.user}`, accept: 'application/json' } });
      assert.equal(response.status, 200);
      const body = (await response.json()) as { data: { name: string }[]; paging?: { next?: string; cursors?: unknown } };
      seen.push(...body.data.map((t) => t.name));
      url = body.paging?.next;
      if (url) {
        assert.ok(url.startsWith(`${server.url}${base}/${WABA_ID}/message_templates?`), url);
        assert.ok(!url.includes('access_token') && !url.includes(PLUGIN_SECRETS.WHATSAPP_ACCESS_TOKEN), url);
      }
    }
    assert.ok(seen.length >= 6, seen.join(','));
    assert.equal(new Set(seen).size, seen.length, 'no page repeated');
  });

  it('updates a template by id once it was seen, else with ?pluginId=', async () => {
    const admin = client(server.url, alpha.tokens.admin);
    const listed = await admin.get(`${base}/${WABA_ID}/message_templates?name=reminder_0_0`);
    const id = listed.body.data[0].id;
    const changes = { components: [{ type: 'BODY', text: 'Hello {{1}}', example: { body_text: [['Asha']] } }] };
    const res = await admin.post(`${base}/${id}`, changes);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.success, true);
    const unseen = await admin.post(`${base}/123456789`, changes);
    assert.equal(unseen.status, 404);
    assert.match(unseen.body._errors[0], /has not been seen/);
    const named = await admin.post(`${base}/123456789?pluginId=${pluginId}`, changes);
    assert.equal(named.body.error?.code !== undefined || named.status !== 404, true, 'reached Meta, which answers for the unknown id');
  });

  it("passes Meta's errors through as Meta sent them", async () => {
    const res = await client(server.url, alpha.tokens.admin).post(`${base}/${WABA_ID}/message_templates`, { name: 'Bad Name!', language: 'en_US', category: 'UTILITY', components: [] });
    assert.ok(res.status >= 400 && res.status < 500, String(res.status));
    assert.equal(typeof res.body.error.code, 'number');
    assert.match(res.body.error.message, /^\(#\d+\)|./);
  });

  it("answers 404 for another team's WABA and plugin, and 403 when a USER key creates", async () => {
    const admin = client(server.url, alpha.tokens.admin);
    assert.equal((await admin.get(`${base}/777/message_templates`)).status, 404);
    assert.equal((await client(server.url, beta.tokens.admin).get(`${base}/${WABA_ID}/message_templates`)).status, 404);
    assert.equal((await client(server.url, beta.tokens.admin).get(`/v1/ext/plugin/whatsapp/${pluginId}/api/v21.0/${WABA_ID}/message_templates`)).status, 404);
    const user = await client(server.url, alpha.tokens.user).post(`${base}/${WABA_ID}/message_templates`, template('from_user'));
    assert.equal(user.status, 403);
    assert.equal((await admin.get(`/v1/ext/plugin/whatsapp/api/latest/${WABA_ID}/message_templates`)).status, 400);
  });
});
