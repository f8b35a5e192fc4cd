import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam } from '../../support/factories.ts';
import { call } from '../../support/http.ts';
import { manualClock } from '../../support/jobs.ts';
import { applyPlugins, PLUGIN_SECRETS } from '../../support/plugins.ts';

const WABA = '102290129340398';
const PHONE_ID = '106540352242922';
const DAY = 24 * 60 * 60 * 1000;

const textEvent = (wamid: string) => `{"object":"whatsapp_business_account","entry":[{"id":"${WABA}","changes":[{"value":{"messaging_product":"whatsapp",`
  + `"metadata":{"display_phone_number":"15550000000","phone_number_id":"${PHONE_ID}"},"contacts":[{"profile":{"name":"Asha"},"wa_id":"919900000001"}],`
  + `"messages":[{"from":"919900000001","id":"${wamid}","timestamp":"1764720000","text":{"body":"hi"},"type":"text"}]},"field":"messages"}]}]}`;

describe('kept inbound events are removed after JOB_RETENTION_DAYS once processed; the messages they made stay', () => {
  const clock = manualClock();
  let server: TestServer;
  let pluginId: string;
  const post = (body: string) => call(server.url, 'POST', `/v1/webhooks/whatsapp/${pluginId}`, {
    body, contentType: 'application/json',
    headers: { 'x-hub-signature-256': `sha256=${createHmac('sha256', PLUGIN_SECRETS.WHATSAPP_APP_SECRET).update(body).digest('hex')}` },
  });
  const kept = async () => (await server.runtime.db.kysely.selectFrom('whatsapp_inbound_events').select(['body', 'processed_at']).execute())
    .map((row) => ({ wamid: /"id":"(wamid[^"]+)"/.exec(row.body)![1], processed: row.processed_at !== null }))
    .sort((a, b) => a.wamid.localeCompare(b.wamid));

  before(async () => {
    server = await startTestServer({ clock });
    await seedTeam(server.runtime, 'alpha');
    pluginId = (await applyPlugins(server.runtime, 'alpha', [{ wabaId: WABA, phones: [PHONE_ID], graphApiUrl: 'http://127.0.0.1:9' }])).get(WABA)!;
  });
  after(async () => {
    await server?.close();
  });

  it('keeps every event 30 days, then removes the processed ones only', async () => {
    assert.equal((await post(textEvent('wamid.old'))).status, 200);
    while ((await server.runtime.engine.runOnce()) > 0);
    clock.advance(2 * DAY);
    // Kept but not processed yet (no worker ran): it must survive any purge.
    assert.equal((await post(textEvent('wamid.waiting'))).status, 200);

    clock.advance(27 * DAY);
    await server.runtime.maintenance();
    assert.deepEqual(await kept(), [{ wamid: 'wamid.old', processed: true }, { wamid: 'wamid.waiting', processed: false }]);

    clock.advance(2 * DAY);
    await server.runtime.maintenance();
    assert.deepEqual(await kept(), [{ wamid: 'wamid.waiting', processed: false }]);
    const messages = await server.runtime.db.kysely.selectFrom('whatsapp_messages').select('external_id').execute();
    assert.deepEqual(messages.map((m) => m.external_id), ['wamid.old'], 'the message an event made went with it');
  });
});
