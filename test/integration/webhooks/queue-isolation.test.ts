import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from 'typebox';
import { defineJob } from '../../../src/jobs/index.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { deferred } from '../../support/jobs.ts';
import { applyPlugins } from '../../support/plugins.ts';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver.ts';

const holdBulkSlot = defineJob({ name: 'test.hold-bulk-slot', queue: 'bulk', payload: Type.Object({}), retry: { attempts: 1 } });

/** What a user notices: an inbound message's webhook does not wait for a long import to finish. */
describe('webhook deliveries keep flowing while a bulk job holds the only bulk slot', () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let team: SeededTeam;
  let pluginId: string;

  before(async () => {
    receiver = await startWebhookReceiver();
    server = await startTestServer({
      env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WORKER_CONCURRENCY: '1', WEBHOOK_WORKER_CONCURRENCY: '4', JOB_POLL_MS: '50' },
    });
    team = await seedTeam(server.runtime, 'busy');
    pluginId = (await applyPlugins(server.runtime, 'busy', [{ wabaId: '5001', phones: ['6001'] }])).get('5001')!;
  });
  after(async () => {
    await server?.runtime.engine.stop();
    await server?.close();
    await receiver?.close();
  });

  it('a delivery enqueued meanwhile arrives within a second', async () => {
    const { engine, db, services } = server.runtime;
    const started = deferred();
    const release = deferred();
    engine.register(holdBulkSlot, async () => {
      started.resolve();
      await release.promise;
      return 'done';
    });
    await db.transaction((tx) => engine.enqueue(tx, holdBulkSlot, {}));
    engine.start();
    await started.promise;

    // Polls for the request for up to 5 s; null if it never came.
    const arrived = new Promise<number | null>((resolve) => {
      const giveUp = Date.now() + 5000;
      const timer = setInterval(() => {
        if (receiver.received.length === 0 && Date.now() < giveUp) return;
        clearInterval(timer);
        resolve(receiver.received.length > 0 ? Date.now() : null);
      }, 5);
    });
    const enqueuedAt = Date.now();
    await db.transaction((tx) => services.webhooks.enqueueDeliveries(tx, [{
      teamId: team.teamId, sourceId: pluginId, endpoint: 'chakra', url: receiver.url(), eventId: 'evt-busy', eventType: 'message', body: '{"event":"message","payload":{}}',
    }]));
    services.webhooks.poke();
    const within = await arrived;
    release.resolve();
    assert.ok(within !== null, 'the delivery never arrived while the bulk job ran');
    assert.ok(within - enqueuedAt < 1000, `the delivery took ${within - enqueuedAt} ms`);
    assert.equal(receiver.received[0].headers['x-chakra-event-id'], 'evt-busy');
  });
});
