import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import dns from 'node:dns/promises';
import os from 'node:os';
import type { OutboundDelivery } from '../../../src/webhooks/index.ts';
import { isNonPublicAddress } from '../../../src/shared/network-addresses.ts';
import { demoConfigFor, seedTeam, type SeededTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { manualClock } from '../../support/jobs.ts';
import { applyPlugins, PLUGIN_SECRETS, pluginsSection } from '../../support/plugins.ts';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver.ts';

const PRIVATE_URLS = [
  'http://127.0.0.1:8080/hook', 'http://localhost/hook', 'https://LOCALHOST./x', 'http://[::1]/', 'http://10.1.2.3/', 'http://192.168.0.10/',
  'http://172.20.0.1/', 'http://169.254.169.254/latest/meta-data', 'http://100.64.0.1/', 'http://0.0.0.0/', 'http://[::ffff:127.0.0.1]/', 'http://[fd00::1]/',
  'http://2130706433/',
];

describe('webhook URLs may not reach this machine or its network (WEBHOOK_ALLOW_PRIVATE_URLS off)', () => {
  const clock = manualClock();
  let server: TestServer;
  let receiver: WebhookReceiver;
  let team: SeededTeam;
  let pluginId: string;
  let seq = 0;
  const configPath = () => `/v1/ext/plugin/whatsapp/${pluginId}/config`;
  const updatePath = () => `/v1/ext/plugin/whatsapp/${pluginId}/update-config`;

  before(async () => {
    receiver = await startWebhookReceiver();
    server = await startTestServer({ clock });
    team = await seedTeam(server.runtime, 'safe');
    pluginId = (await applyPlugins(server.runtime, 'safe', [{ wabaId: '3001', phones: ['4001'] }])).get('3001')!;
  });
  after(async () => {
    await server?.close();
    await receiver?.close();
  });

  it('update-config refuses a literal private address or localhost with a 400 naming the field, and changes nothing', async () => {
    const admin = client(server.url, team.tokens.admin);
    assert.equal((await admin.post(updatePath(), { chakraWebhookUrl: 'https://hooks.example.com/in', enableChakraWebhook: true })).status, 200);
    const settingsBefore = (await admin.get(configPath())).body._data;
    for (const url of PRIVATE_URLS) {
      for (const field of ['chakraWebhookUrl', 'passThroughWebhookUrl']) {
        const res = await admin.post(updatePath(), { [field]: url });
        assert.equal(res.status, 400, `${field} = ${url}: ${JSON.stringify(res.body)}`);
        assert.match(res.body._errors.join(' '), new RegExp(`${field}: must not point to a loopback or private address`), url);
      }
    }
    assert.deepEqual((await admin.get(configPath())).body._data, settingsBefore);
  });

  it('config apply refuses them too, naming the field, and stores nothing', async () => {
    const webhooks = '    webhooks: { chakraWebhookUrl: "http://192.168.1.20/in", passThroughWebhookUrl: "http://localhost:9000/meta" }';
    const text = `${demoConfigFor('safe2')}\n${pluginsSection([{ wabaId: '3002', phones: ['4002'], extra: webhooks }])}`;
    await assert.rejects(server.runtime.services.teamConfig.apply({ teamSlug: 'safe2', text, env: PLUGIN_SECRETS }), (error: Error & { messages?: string[] }) => {
      const problems = (error.messages ?? []).join('\n');
      assert.match(problems, /plugins\[0\]\.webhooks\.passThroughWebhookUrl: must not point to a loopback or private address/);
      assert.match(problems, /plugins\[0\]\.webhooks\.chakraWebhookUrl: must not point to a loopback or private address/);
      return true;
    });
    await assert.rejects(server.runtime.services.plugins.list('safe2'), /Unknown team/);
    // A public URL is accepted.
    const ok = text.replace('http://192.168.1.20/in', 'https://example.com/in').replace('http://localhost:9000/meta', 'https://example.com/meta');
    await server.runtime.services.teamConfig.apply({ teamSlug: 'safe2', text: ok, env: PLUGIN_SECRETS });
  });

  const enqueue = async (url: string): Promise<string> => {
    const eventId = `evt-${++seq}`;
    const delivery: OutboundDelivery = { teamId: team.teamId, sourceId: pluginId, endpoint: 'passThrough', url, eventId, eventType: 'whatsapp', body: '{"object":"whatsapp_business_account"}' };
    await server.runtime.db.transaction((tx) => server.runtime.services.webhooks.enqueueDeliveries(tx, [delivery]));
    return eventId;
  };
  const lastError = async (eventId: string): Promise<string> => {
    const res = await client(server.url, team.tokens.admin).get(`/v1/ext/plugin/whatsapp/${pluginId}/webhook-deliveries?includeAttempts=true`);
    const delivery = res.body._data.find((d: { eventId: string }) => d.eventId === eventId);
    assert.equal(delivery.status, 'PENDING');
    assert.equal(delivery.attemptLog.length, 1);
    assert.equal(delivery.attemptLog[0].statusCode, null);
    return delivery.lastError as string;
  };

  it('a delivery stored with a private address is refused again when it connects: nothing reaches the receiver', async () => {
    const before = receiver.received.length;
    const literal = await enqueue(receiver.url());
    const named = await enqueue(`http://localhost.:${receiver.port}/hook`);
    assert.equal(await server.runtime.engine.runOnce(), 2);
    assert.match(await lastError(literal), /^refused: 127\.0\.0\.1 is a loopback, private/);
    assert.match(await lastError(named), /^refused: "localhost\." is this server's own machine/);
    assert.equal(receiver.received.length, before);
  });

  it('a name that resolves to a private address is refused by the lookup made for the connection', async (t) => {
    // This machine's own name resolves to a loopback or private address in any usual setup.
    const name = os.hostname();
    const { address } = await dns.lookup(name).catch(() => ({ address: '' }));
    if (!address || !isNonPublicAddress(address)) return t.skip(`${name} does not resolve to a non-public address here`);
    const before = receiver.received.length;
    const eventId = await enqueue(`http://${name}:${receiver.port}/hook`);
    assert.equal(await server.runtime.engine.runOnce(), 1);
    assert.equal(await lastError(eventId), `refused: ${name} resolves to ${address}, a non-public address`);
    assert.equal(receiver.received.length, before);
  });
});
