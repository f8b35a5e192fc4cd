import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { OutboundDelivery } from '../../../src/webhooks/index.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { manualClock } from '../../support/jobs.ts';
import { applyPlugins, PLUGIN_SECRETS } from '../../support/plugins.ts';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver.ts';

const SECOND = 1000;
const HOUR = 3600 * SECOND;
const TIMEOUT_MS = 300;

describe('outbound webhooks: signed, retried with backoff for 24 hours, every attempt recorded, replayable', () => {
  const clock = manualClock();
  let server: TestServer;
  let receiver: WebhookReceiver;
  let team: SeededTeam;
  let pluginId: string;
  let noSecretPluginId: string;
  let unsignedTeam: SeededTeam;
  let seq = 0;

  const delivery = (overrides: Partial<OutboundDelivery> = {}): OutboundDelivery => ({
    teamId: team.teamId, sourceId: pluginId, endpoint: 'chakra', url: receiver.url(), eventId: `evt-${++seq}`, eventType: 'message',
    // Spacing, key order and non-ASCII text must arrive exactly as stored: the signature is over these bytes.
    body: `{"event": "message",  "payload":{"text":"नमस्ते 👋","n":${seq}}}`,
    ...overrides,
  });
  const enqueue = async (...deliveries: OutboundDelivery[]) => {
    const { db, services } = server.runtime;
    await db.transaction((tx) => services.webhooks.enqueueDeliveries(tx, deliveries));
  };
  const api = (plugin = pluginId) => client(server.url, plugin === pluginId ? team.tokens.admin : unsignedTeam.tokens.admin);
  const listed = async (query = '', plugin = pluginId) => {
    const res = await api(plugin).get(`/v1/ext/plugin/whatsapp/${plugin}/webhook-deliveries${query}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { _data: any[]; _meta: { total: number } };
  };
  const byEvent = async (eventId: string, plugin = pluginId) => (await listed('?includeAttempts=true', plugin))._data.find((d) => d.eventId === eventId);
  /** The pending job of a delivery: when it runs next. */
  const nextRunAt = async (): Promise<number> => {
    const row = await server.runtime.db.kysely.selectFrom('jobs').select('run_at').where('queue', '=', 'webhooks').where('status', '=', 'queued')
      .orderBy('run_at').executeTakeFirstOrThrow();
    return Number(row.run_at);
  };
  const signature = (body: Buffer | string) => createHmac('sha256', PLUGIN_SECRETS.CHAKRA_WEBHOOK_SECRET).update(body).digest('hex');

  before(async () => {
    receiver = await startWebhookReceiver();
    server = await startTestServer({ clock, env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS) } });
    team = await seedTeam(server.runtime, 'hooks');
    pluginId = (await applyPlugins(server.runtime, 'hooks', [{ wabaId: '1001', phones: ['2001'] }])).get('1001')!;
    unsignedTeam = await seedTeam(server.runtime, 'unsigned');
    noSecretPluginId = (await applyPlugins(server.runtime, 'unsigned', [{ wabaId: '1002', phones: ['2002'] }], { ...PLUGIN_SECRETS, CHAKRA_WEBHOOK_SECRET: '' })).get('1002')!;
  });
  after(async () => {
    if (process.env.DEBUG_LOGS) console.log(server.logLines().join('\n'));
    await server?.close();
    await receiver?.close();
  });

  it('fails on a 500, a hang past the timeout and a refused connection, backs off ≈2 s then doubling, then delivers once', async () => {
    const sent = delivery();
    receiver.script(500, 'hang');
    const before = receiver.received.length;
    await enqueue(sent);

    const delays: number[] = [];
    const attemptAt: number[] = [];
    const runDue = async () => {
      attemptAt.push(clock());
      assert.equal(await server.runtime.engine.runOnce(), 1);
    };
    await runDue(); // 500
    delays.push((await nextRunAt()) - clock());
    clock.advance(delays.at(-1)!);
    await runDue(); // no answer within the timeout
    delays.push((await nextRunAt()) - clock());
    clock.advance(delays.at(-1)!);
    await receiver.stop();
    await runDue(); // connection refused
    delays.push((await nextRunAt()) - clock());
    clock.advance(delays.at(-1)!);
    await receiver.restart();
    await runDue(); // 200

    delays.forEach((delay, i) => {
      const base = 2 * SECOND * 2 ** i;
      assert.ok(delay >= base * 0.8 && delay <= base * 1.2, `retry ${i + 1} came after ${delay} ms; expected ${base} ms ± 20 %`);
    });
    const requests = receiver.received.slice(before);
    assert.deepEqual(requests.map((r) => r.answered), [500, 'hang', 200], 'the refused attempt never arrived; the others did, once each');
    requests.forEach((request, i) => {
      assert.equal(request.method, 'POST');
      assert.equal(request.path, '/hook');
      assert.equal(request.body.toString('utf8'), sent.body, 'the body arrives byte for byte');
      assert.equal(request.headers['content-type'], 'application/json');
      assert.equal(request.headers['x-chakra-signature-256'], signature(request.body));
      assert.equal(request.headers['x-chakra-event-id'], sent.eventId);
      assert.match(String(request.headers['user-agent']), /^chakra-server\//);
      assert.equal(request.headers['x-chakra-timestamp'], String(attemptAt[i === 2 ? 3 : i]), 'the timestamp is when this attempt was made');
    });

    const listedDelivery = await byEvent(sent.eventId);
    assert.equal(listedDelivery.status, 'DELIVERED');
    assert.equal(listedDelivery.attempts, 4);
    assert.equal(listedDelivery.lastStatusCode, 200);
    assert.equal(listedDelivery.lastError, null);
    assert.equal(listedDelivery.deliveredAt, clock());
    assert.equal(listedDelivery.endpoint, 'chakra');
    assert.equal(listedDelivery.url, receiver.url());
    assert.equal('body' in listedDelivery, false);
    const log = listedDelivery.attemptLog as { attempt: number; statusCode: number | null; error: string | null; startedAt: number }[];
    assert.deepEqual(log.map((a) => a.attempt), [1, 2, 3, 4]);
    assert.deepEqual(log.map((a) => a.statusCode), [500, null, null, 200]);
    assert.deepEqual(log.map((a) => a.startedAt), attemptAt);
    assert.match(log[0].error ?? '', /HTTP 500/);
    assert.match(log[1].error ?? '', new RegExp(`no answer within ${TIMEOUT_MS} ms`));
    assert.match(log[2].error ?? '', /connection refused/);
    assert.equal(log[3].error, null);

    clock.advance(48 * HOUR);
    assert.equal(await server.runtime.engine.runOnce(), 0, 'a delivered delivery is never sent again');
    assert.equal(receiver.received.length, before + 3);
  });

  it('the same event enqueued twice (in one call and again later) is stored once and POSTed once', async () => {
    const once = delivery();
    const before = receiver.received.length;
    await enqueue(once, { ...once, body: '{"different":"body"}' });
    await enqueue(once);
    assert.equal(await server.runtime.engine.runOnce(), 1);
    assert.equal(await server.runtime.engine.runOnce(), 0);
    assert.equal(receiver.received.length, before + 1);
    assert.equal(receiver.received.at(-1)!.body.toString('utf8'), once.body);
    assert.equal((await listed())._data.filter((d) => d.eventId === once.eventId).length, 1);
    // The same event id for the other endpoint is another delivery.
    await enqueue({ ...once, endpoint: 'passThrough', eventType: 'whatsapp' });
    assert.equal(await server.runtime.engine.runOnce(), 1);
    assert.equal(receiver.received.length, before + 2);
  });

  it('a 3xx is a failure: the redirect is not followed', async () => {
    const redirected = delivery();
    receiver.script(302);
    await enqueue(redirected);
    assert.equal(await server.runtime.engine.runOnce(), 1);
    const seen = await byEvent(redirected.eventId);
    assert.equal(seen.status, 'PENDING');
    assert.equal(seen.lastStatusCode, 302);
    assert.match(seen.lastError, /redirects are not followed/);
    clock.advance(3 * SECOND);
    assert.equal(await server.runtime.engine.runOnce(), 1);
    assert.equal((await byEvent(redirected.eventId)).status, 'DELIVERED');
  });

  it('after 24 hours of failures the delivery is FAILED with its last error, listed, and replay delivers it', async () => {
    const doomed = delivery({ url: receiver.url('/down') });
    receiver.answerWith(503);
    const before = receiver.received.length;
    const enqueuedAt = clock();
    await enqueue(doomed);
    let runs = 0;
    for (;;) {
      assert.equal(await server.runtime.engine.runOnce(), 1);
      runs++;
      const row = await server.runtime.db.kysely.selectFrom('jobs').select(['status', 'run_at']).where('queue', '=', 'webhooks').orderBy('created_at', 'desc').executeTakeFirstOrThrow();
      if (row.status === 'failed') break;
      assert.ok(Number(row.run_at) - clock() <= 1.2 * HOUR, 'never more than an hour (plus jitter) between attempts');
      clock.advance(Number(row.run_at) - clock());
    }
    assert.ok(clock() - enqueuedAt >= 24 * HOUR && clock() - enqueuedAt < 25 * HOUR, `gave up ${clock() - enqueuedAt} ms after it was queued`);
    assert.ok(runs > 20 && runs < 60, `${runs} attempts in 24 hours`);
    assert.equal(receiver.received.length, before + runs);

    const failed = await listed('?status=FAILED');
    const entry = failed._data.find((d) => d.eventId === doomed.eventId);
    assert.equal(entry.status, 'FAILED');
    assert.equal(entry.attempts, runs);
    assert.equal(entry.lastStatusCode, 503);
    assert.equal(entry.lastError, 'HTTP 503');

    receiver.answerWith(200);
    const replay = await api().post(`/v1/ext/plugin/whatsapp/${pluginId}/webhook-deliveries/replay`, { ids: [entry.id] });
    assert.equal(replay.status, 200, JSON.stringify(replay.body));
    assert.deepEqual(replay.body._data, { replayed: 1 });
    assert.equal((await byEvent(doomed.eventId)).status, 'PENDING');
    assert.equal(await server.runtime.engine.runOnce(), 1);
    const delivered = await byEvent(doomed.eventId);
    assert.equal(delivered.status, 'DELIVERED');
    assert.equal(delivered.attempts, runs + 1);
    assert.equal(delivered.attemptLog.at(-1).statusCode, 200);
    assert.equal(receiver.received.at(-1)!.headers['x-chakra-event-id'], doomed.eventId, 'the replay carries the same event id');
    // Nothing is left to replay.
    assert.deepEqual((await api().post(`/v1/ext/plugin/whatsapp/${pluginId}/webhook-deliveries/replay`, {})).body._data, { replayed: 0 });
  });

  it('a plugin without a webhookSecret: FAILED at once with a clear error, nothing POSTed; replayable later', async () => {
    const unsigned = delivery({ teamId: unsignedTeam.teamId, sourceId: noSecretPluginId });
    const before = receiver.received.length;
    await enqueue(unsigned);
    assert.equal(await server.runtime.engine.runOnce(), 1);
    assert.equal(receiver.received.length, before, 'nothing was sent unsigned');
    const seen = await byEvent(unsigned.eventId, noSecretPluginId);
    assert.equal(seen.status, 'FAILED');
    assert.equal(seen.attempts, 0);
    assert.match(seen.lastError, /no webhookSecret/);
    assert.equal((await listed('?status=FAILED', noSecretPluginId))._meta.total, 1);

    await applyPlugins(server.runtime, 'unsigned', [{ wabaId: '1002', phones: ['2002'] }]);
    const replay = await api(noSecretPluginId).post(`/v1/ext/plugin/whatsapp/${noSecretPluginId}/webhook-deliveries/replay`, {});
    assert.deepEqual(replay.body._data, { replayed: 1 });
    assert.equal(await server.runtime.engine.runOnce(), 1);
    assert.equal((await byEvent(unsigned.eventId, noSecretPluginId)).status, 'DELIVERED');
    assert.equal(receiver.received.at(-1)!.headers['x-chakra-signature-256'], signature(unsigned.body));
  });

  it('housekeeping removes delivered deliveries (and their attempts) after JOB_RETENTION_DAYS; undelivered ones stay', async () => {
    receiver.script(500);
    const stuck = delivery();
    const fresh = delivery();
    await enqueue(stuck);
    assert.equal(await server.runtime.engine.runOnce(), 1);
    await enqueue(fresh);
    assert.equal(await server.runtime.engine.runOnce(), 1);
    const all = async () => (await listed('?limit=100'))._data;
    const statusOf = async (eventId: string) => (await all()).find((d) => d.eventId === eventId)?.status ?? 'gone';
    assert.equal(await statusOf(stuck.eventId), 'PENDING');
    assert.equal(await statusOf(fresh.eventId), 'DELIVERED');

    clock.advance(29 * 24 * HOUR);
    await server.runtime.maintenance();
    assert.equal(await statusOf(fresh.eventId), 'DELIVERED', 'removed before its time');

    clock.advance(2 * 24 * HOUR);
    await server.runtime.maintenance();
    assert.equal(await statusOf(fresh.eventId), 'gone');
    assert.equal(await statusOf(stuck.eventId), 'PENDING', 'an undelivered delivery was removed');
    assert.equal((await all()).filter((d) => d.status === 'DELIVERED').length, 0);
    const orphans = await server.runtime.db.kysely.selectFrom('webhook_delivery_attempts').select('delivery_id')
      .where('delivery_id', 'not in', server.runtime.db.kysely.selectFrom('webhook_deliveries').select('id')).execute();
    assert.deepEqual(orphans, [], 'attempts of removed deliveries are left behind');
  });
});
