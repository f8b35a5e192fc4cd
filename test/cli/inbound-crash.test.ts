import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createHmac } from 'node:crypto';
import { createCliEnv, killAllCli, runCliInProcess, startServe, type CliEnv } from '../support/cli.ts';
import { demoConfigFor } from '../support/factories.ts';
import { openCliDatabase } from '../support/jobs.ts';
import { PLUGIN_SECRETS, pluginsSection } from '../support/plugins.ts';

const WABA = '102290129340398';
const PHONE_ID = '106540352242922';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * API.md §8.4: the raw event is durable before the 200. A server killed with SIGKILL right after
 * answering (its workers off, so nothing was processed) processes the event once started again.
 */
describe('inbound WhatsApp events survive kill -9 of the server (API.md §8.4)', () => {
  let cli: CliEnv;
  let pluginId: string;

  before(async () => {
    cli = await createCliEnv();
    const file = path.join(cli.dataDir, 'team.yaml');
    fs.writeFileSync(file, `${demoConfigFor('demo')}\n${pluginsSection([{ wabaId: WABA, phones: [PHONE_ID], graphApiUrl: 'http://127.0.0.1:9' }])}`);
    const applied = await runCliInProcess(['config', 'apply', '--team', 'demo', file], { ...cli.env, ...PLUGIN_SECRETS }, { timeoutMs: 60_000 });
    assert.equal(applied.code, 0, applied.stderr);
    const db = openCliDatabase(cli);
    try {
      pluginId = (await db.kysely.selectFrom('whatsapp_plugins').select('id').executeTakeFirstOrThrow()).id;
    } finally {
      await db.close();
    }
  });
  after(async () => {
    killAllCli();
    await cli?.drop();
  });

  it('keeps the event answered 200 and processes it after the restart', async () => {
    const body = JSON.stringify({
      object: 'whatsapp_business_account', entry: [{ id: WABA, changes: [{ field: 'messages', value: {
        messaging_product: 'whatsapp', metadata: { display_phone_number: '15550000000', phone_number_id: PHONE_ID },
        contacts: [{ profile: { name: 'Crash' }, wa_id: '919600000001' }],
        messages: [{ from: '919600000001', id: 'wamid.crash1', timestamp: '1764720000', type: 'text', text: { body: 'still here?' } }],
      } }] }],
    });
    const first = await startServe(cli.env, ['--no-worker']);
    const response = await fetch(`${first.url}/v1/webhooks/whatsapp/${pluginId}`, {
      method: 'POST', body,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${createHmac('sha256', PLUGIN_SECRETS.WHATSAPP_APP_SECRET).update(body).digest('hex')}` },
    });
    assert.equal(response.status, 200);
    first.child.kill('SIGKILL');
    assert.equal((await first.exited).signal, 'SIGKILL');

    const db = openCliDatabase(cli);
    try {
      const kept = await db.kysely.selectFrom('whatsapp_inbound_events').selectAll().execute();
      assert.equal(kept.length, 1);
      assert.equal(kept[0].processed_at, null);
      const second = await startServe(cli.env);
      const stored = () => db.kysely.selectFrom('whatsapp_messages').select(['external_id', 'text']).execute();
      for (let i = 0; i < 200 && (await stored()).length === 0; i += 1) await sleep(50);
      assert.deepEqual((await stored()).map((row) => ({ ...row })), [{ external_id: 'wamid.crash1', text: 'still here?' }]);
      await second.stop();
    } finally {
      await db.close();
    }
  });
});
