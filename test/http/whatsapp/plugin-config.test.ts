import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { call, client } from '../../support/http.ts';
import { applyPlugins, PLUGIN_SECRETS } from '../../support/plugins.ts';

const configPath = (id: string) => `/v1/ext/plugin/whatsapp/${encodeURIComponent(id)}/config`;
const updatePath = (id: string) => `/v1/ext/plugin/whatsapp/${encodeURIComponent(id)}/update-config`;

/** No secret value appears anywhere in a response or in the log. */
function assertNoSecrets(text: string): void {
  for (const secret of Object.values(PLUGIN_SECRETS)) assert.ok(!text.includes(secret), `a secret leaked: ${secret}`);
}

describe('WhatsApp plugin settings (API.md §8.4: GET config, POST update-config)', () => {
  let server: TestServer;
  let alpha: SeededTeam;
  let beta: SeededTeam;
  let pluginId: string;
  let betaPluginId: string;
  before(async () => {
    server = await startTestServer();
    alpha = await seedTeam(server.runtime, 'alpha');
    beta = await seedTeam(server.runtime, 'beta');
    pluginId = (await applyPlugins(server.runtime, 'alpha', [{ wabaId: '102290129340398', phones: ['106540352242922'] }])).get('102290129340398')!;
    betaPluginId = (await applyPlugins(server.runtime, 'beta', [{ wabaId: '555', phones: ['106540352242922'] }])).get('555')!;
  });
  after(() => server.close());

  it('answers the settings, the plugin and its phone numbers to any role of the team, never a secret', async () => {
    for (const token of Object.values(alpha.tokens)) {
      const res = await client(server.url, token).get(configPath(pluginId), { headers: { accept: 'application/json', 'x-chakra-sdk': '@chakrahq/chakra-chat-sdk/1.0.0' } });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body._data, {
        passThroughWebhookUrl: null,
        enableMessageEchoesForPassThroughWebhook: false,
        chakraWebhookUrl: null,
        enableChakraWebhook: false,
        whichChakraWebhookEventsToSend: ['message', 'deliveryStatus'],
        pluginId,
        name: 'Number 102290129340398',
        wabaId: '102290129340398',
        phoneNumbers: [{ whatsappPhoneNumberId: '106540352242922', displayPhoneNumber: '15550000000' }],
      });
      assert.equal(res.body._errors, undefined);
      assertNoSecrets(JSON.stringify(res.body));
    }
  });

  it('takes the settings exactly as real clients send them, and reads them back', async () => {
    const body = {
      passThroughWebhookUrl: 'https://example.com/meta-events',
      enableMessageEchoesForPassThroughWebhook: true,
      enableChakraWebhook: true,
      chakraWebhookUrl: 'https://example.com/chakra-events',
      whichChakraWebhookEventsToSend: ['message', 'status'],
    };
    const res = await client(server.url, alpha.tokens.admin).post(updatePath(pluginId), body);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { _data: { success: true }, _meta: {} });
    const read = await client(server.url, alpha.tokens.user).get(configPath(pluginId));
    assert.deepEqual({ ...read.body._data, pluginId: undefined, name: undefined, wabaId: undefined, phoneNumbers: undefined }, {
      ...body, pluginId: undefined, name: undefined, wabaId: undefined, phoneNumbers: undefined,
    });
  });

  it('changes only the keys given; an empty URL unsets it', async () => {
    const admin = client(server.url, alpha.tokens.admin);
    await admin.post(updatePath(pluginId), { chakraWebhookUrl: 'https://hooks.example.org/a', enableChakraWebhook: true });
    assert.equal((await admin.post(updatePath(pluginId), { passThroughWebhookUrl: '' })).status, 200);
    const read = (await admin.get(configPath(pluginId))).body._data;
    assert.equal(read.passThroughWebhookUrl, null);
    assert.equal(read.chakraWebhookUrl, 'https://hooks.example.org/a');
    assert.equal(read.enableChakraWebhook, true);
  });

  it('lets only ADMIN keys change settings (403, nothing changed)', async () => {
    const before = (await client(server.url, alpha.tokens.admin).get(configPath(pluginId))).body._data;
    for (const token of [alpha.tokens.manager, alpha.tokens.user]) {
      const res = await client(server.url, token).post(updatePath(pluginId), { chakraWebhookUrl: 'https://evil.example/x' });
      assert.equal(res.status, 403);
      assert.equal(res.body._meta.code, 'FORBIDDEN');
    }
    assert.deepEqual((await client(server.url, alpha.tokens.admin).get(configPath(pluginId))).body._data, before);
  });

  it("answers 404 for another team's plugin, an unknown id and a malformed one, even to ADMIN", async () => {
    const admin = client(server.url, alpha.tokens.admin);
    for (const id of [betaPluginId, '01a23bb5-0000-7000-8000-000000000000', 'not-a-uuid', 'x'.repeat(300)]) {
      assert.equal((await admin.get(configPath(id))).status, 404, id);
      const res = await admin.post(updatePath(id), { enableChakraWebhook: true });
      assert.equal(res.status, 404, id);
      assert.equal(res.body._meta.code, 'NOT_FOUND');
    }
    const betaRead = (await client(server.url, beta.tokens.admin).get(configPath(betaPluginId))).body._data;
    assert.equal(betaRead.enableChakraWebhook, false);
  });

  it('refuses bad input with a clear 400 and changes nothing', async () => {
    const admin = client(server.url, alpha.tokens.admin);
    const before = (await admin.get(configPath(pluginId))).body._data;
    const cases: [unknown, RegExp][] = [
      [{ chakraWebhookUrl: 'ftp://example.com/x' }, /chakraWebhookUrl: expected an http:\/\/ or https:\/\/ URL/],
      [{ passThroughWebhookUrl: 'not a url' }, /passThroughWebhookUrl: expected an http/],
      [{ chakraWebhookUrl: 'https://user:pw@example.com/' }, /must not carry a user name or password/],
      [{ chakraWebhookUrl: 'https://example.com/' + 'a'.repeat(3000) }, /chakraWebhookUrl/],
      [{ enableChakraWebhook: 'yes' }, /enableChakraWebhook/],
      [{ whichChakraWebhookEventsToSend: 'message' }, /whichChakraWebhookEventsToSend/],
      [{ whichChakraWebhookEventsToSend: ['message', 'bad name!'] }, /whichChakraWebhookEventsToSend\[1\]/],
      [{ webhookSecret: 'new' }, /webhookSecret/],
      [[], /object/],
    ];
    for (const [body, message] of cases) {
      const res = await admin.post(updatePath(pluginId), body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.body._errors.join(' '), message);
    }
    const malformed = await call(server.url, 'POST', updatePath(pluginId), { token: alpha.tokens.admin, body: '{"enableChakraWebhook": tru', contentType: 'application/json' });
    assert.equal(malformed.status, 400);
    assert.deepEqual((await admin.get(configPath(pluginId))).body._data, before);
  });

  it('never writes a secret to the log', () => {
    assertNoSecrets(server.logLines().join('\n'));
  });
});
