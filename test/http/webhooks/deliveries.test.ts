import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { OutboundDelivery } from '../../../src/webhooks/index.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { call, client } from '../../support/http.ts';
import { manualClock } from '../../support/jobs.ts';
import { applyPlugins, PLUGIN_SECRETS } from '../../support/plugins.ts';
import { startTestServer, type TestServer } from '../../support/test-server.ts';

const FAILED_COUNT = 5;

/**
 * The webhook deliveries Extensions over HTTP. The plugins here have no webhookSecret, so each
 * delivery fails at its first run (nothing is sent) and is there to list and replay.
 */
describe('webhook deliveries: list and replay (extensions)', () => {
  const clock = manualClock();
  let server: TestServer;
  let alpha: SeededTeam;
  let beta: SeededTeam;
  let pluginId: string;
  let betaPluginId: string;
  const listPath = (plugin = pluginId, query = '') => `/v1/ext/plugin/whatsapp/${plugin}/webhook-deliveries${query}`;
  const replayPath = (plugin = pluginId) => `/v1/ext/plugin/whatsapp/${plugin}/webhook-deliveries/replay`;
  const statuses = async () => {
    const res = await client(server.url, alpha.tokens.admin).get(listPath(pluginId, '?limit=100'));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return Object.fromEntries((res.body._data as { id: string; status: string }[]).map((d) => [d.id, d.status]));
  };

  before(async () => {
    server = await startTestServer({ clock, env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' } });
    alpha = await seedTeam(server.runtime, 'alpha');
    beta = await seedTeam(server.runtime, 'beta');
    const unsigned = { ...PLUGIN_SECRETS, CHAKRA_WEBHOOK_SECRET: '' };
    pluginId = (await applyPlugins(server.runtime, 'alpha', [{ wabaId: '7001', phones: ['8001'] }], unsigned)).get('7001')!;
    betaPluginId = (await applyPlugins(server.runtime, 'beta', [{ wabaId: '7002', phones: ['8002'] }], unsigned)).get('7002')!;
    const deliveries = (teamId: string, sourceId: string, n: number): OutboundDelivery[] => Array.from({ length: n }, (_, i) => ({
      teamId, sourceId, endpoint: i % 2 === 0 ? 'chakra' : 'passThrough', url: `https://hooks.example.com/${i}`, eventId: `${sourceId}-evt-${i}`,
      eventType: i % 2 === 0 ? 'message' : 'whatsapp', body: `{"n":${i}}`,
    }));
    for (let i = 0; i < FAILED_COUNT; i++) {
      // One per millisecond, so "newest first" has an order to show.
      await server.runtime.db.transaction((tx) => server.runtime.services.webhooks.enqueueDeliveries(tx, deliveries(alpha.teamId, pluginId, FAILED_COUNT).slice(i, i + 1)));
      clock.advance(1);
    }
    await server.runtime.db.transaction((tx) => server.runtime.services.webhooks.enqueueDeliveries(tx, deliveries(beta.teamId, betaPluginId, 2)));
    assert.equal(await server.runtime.engine.runOnce(), FAILED_COUNT + 2);
  });
  after(async () => {
    await server?.close();
  });

  it('lists a plugin\'s deliveries newest first, filtered by status, paged, with the total', async () => {
    const api = client(server.url, alpha.tokens.user);
    const all = await api.get(listPath());
    assert.equal(all.status, 200, JSON.stringify(all.body));
    assert.equal(all.body._meta.total, FAILED_COUNT);
    assert.deepEqual(all.body._data.map((d: { eventId: string }) => d.eventId), Array.from({ length: FAILED_COUNT }, (_, i) => `${pluginId}-evt-${FAILED_COUNT - 1 - i}`));
    const first = all.body._data[0];
    assert.deepEqual(Object.keys(first).sort(), ['attempts', 'createdAt', 'deliveredAt', 'endpoint', 'eventId', 'eventType', 'id', 'lastError', 'lastStatusCode', 'status', 'updatedAt', 'url']);
    assert.equal(first.status, 'FAILED');
    assert.match(first.lastError, /no webhookSecret/);
    assert.equal(JSON.stringify(all.body).includes(PLUGIN_SECRETS.CHAKRA_WEBHOOK_SECRET), false);

    const page = await api.get(listPath(pluginId, '?status=FAILED&limit=2&skip=1'));
    assert.equal(page.body._meta.total, FAILED_COUNT);
    assert.deepEqual(page.body._data.map((d: { id: string }) => d.id), all.body._data.slice(1, 3).map((d: { id: string }) => d.id));
    const delivered = await api.get(listPath(pluginId, '?status=DELIVERED'));
    assert.deepEqual([delivered.body._data, delivered.body._meta.total], [[], 0]);
    const withLog = await api.get(listPath(pluginId, '?includeAttempts=true&limit=1'));
    assert.deepEqual(withLog.body._data[0].attemptLog, []);
  });

  it('another team\'s plugin, or an id that is no plugin, is 404 for the list and for replay, and changes nothing', async () => {
    const before = await statuses();
    for (const plugin of [betaPluginId, 'not-a-uuid', '01a23c67-66bd-7764-88f4-c170289ca771']) {
      assert.equal((await client(server.url, alpha.tokens.admin).get(listPath(plugin))).status, 404, plugin);
      const replay = await client(server.url, alpha.tokens.admin).post(replayPath(plugin), {});
      assert.equal(replay.status, 404, plugin);
      assert.equal(replay.body._meta.code, 'NOT_FOUND');
    }
    // Beta's admin naming alpha's deliveries through beta's own plugin replays none of them.
    const alphaIds = Object.keys(before);
    const crossed = await client(server.url, beta.tokens.admin).post(replayPath(betaPluginId), { ids: alphaIds });
    assert.deepEqual(crossed.body._data, { replayed: 0 });
    assert.deepEqual(await statuses(), before);
  });

  it('a USER key may list but not replay (403, nothing queued); no token is 401', async () => {
    const before = await statuses();
    const res = await client(server.url, alpha.tokens.user).post(replayPath(), {});
    assert.equal(res.status, 403);
    assert.equal(res.body._meta.code, 'FORBIDDEN');
    assert.equal((await call(server.url, 'POST', replayPath(), { json: {} })).status, 401);
    assert.equal((await call(server.url, 'GET', listPath())).status, 401);
    assert.deepEqual(await statuses(), before);
    assert.equal(await server.runtime.engine.runOnce(), 0, 'nothing was queued');
  });

  it('bad bodies and queries are 400 with the field named, and change nothing', async () => {
    const before = await statuses();
    const api = client(server.url, alpha.tokens.admin);
    const cases: [unknown, RegExp][] = [
      [{ idz: [] }, /idz: unknown field/],
      [{ ids: 'all' }, /ids: expected array/],
      [{ ids: [1, 2] }, /ids\/0: expected string|ids\.0: expected string|ids\[0\]: expected string/],
      [{ ids: ['not-a-uuid'] }, /uuid/],
      [[], /expected object/],
    ];
    for (const [body, message] of cases) {
      const res = await api.post(replayPath(), body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.body._errors.join(' '), message, JSON.stringify(res.body._errors));
    }
    const malformed = await api.post(replayPath(), undefined, { body: '{"ids": [', contentType: 'application/json' });
    assert.equal(malformed.status, 400);
    const huge = await api.post(replayPath(), undefined, { body: JSON.stringify({ ids: ['x'.repeat(2 * 1024 * 1024)] }), contentType: 'application/json' });
    assert.equal(huge.status, 413);
    for (const query of ['?status=LOST', '?limit=0', '?skip=-1', '?limit=abc', '?colour=red']) {
      const res = await api.get(listPath(pluginId, query));
      assert.equal(res.status, 400, `${query}: ${JSON.stringify(res.body)}`);
    }
    assert.deepEqual(await statuses(), before);
    assert.equal(await server.runtime.engine.runOnce(), 0, 'nothing was queued');
  });

  it('a MANAGER replays the named FAILED deliveries (PENDING again, a new job each), then ADMIN replays the rest with an empty request', async () => {
    const ids = Object.keys(await statuses());
    const named = ids.slice(0, 2);
    const res = await client(server.url, alpha.tokens.manager).post(replayPath(), { ids: [...named, named[0]] });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, { _data: { replayed: 2 }, _meta: {} });
    const after = await statuses();
    assert.deepEqual(named.map((id) => after[id]), ['PENDING', 'PENDING']);
    assert.equal(Object.values(after).filter((s) => s === 'FAILED').length, FAILED_COUNT - 2);

    // No body at all means every FAILED delivery of the plugin.
    const rest = await call(server.url, 'POST', replayPath(), { token: alpha.tokens.admin });
    assert.deepEqual(rest.body._data, { replayed: FAILED_COUNT - 2 });
    assert.ok(Object.values(await statuses()).every((s) => s === 'PENDING'));
    // Still no secret: each fails again at once, and can be replayed again (a new job, not the old one).
    assert.equal(await server.runtime.engine.runOnce(), FAILED_COUNT);
    assert.ok(Object.values(await statuses()).every((s) => s === 'FAILED'));
    assert.deepEqual((await client(server.url, alpha.tokens.admin).post(replayPath(), { ids: [ids[0]] })).body._data, { replayed: 1 });
    assert.equal(await server.runtime.engine.runOnce(), 1);
  });

  it('with WEBHOOK_ALLOW_PRIVATE_URLS=true, update-config accepts a loopback URL', async () => {
    const res = await client(server.url, alpha.tokens.admin).post(`/v1/ext/plugin/whatsapp/${pluginId}/update-config`, { chakraWebhookUrl: 'http://127.0.0.1:9999/hook' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  });
});
