import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { RunningSandbox } from '../../../src/whatsapp/sandbox/index.ts';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { call, client } from '../../support/http.ts';
import { applyPlugins, PLUGIN_SECRETS } from '../../support/plugins.ts';
import { createTemplate, PHONE_NUMBER_ID, startTestSandbox, WABA_ID } from '../../support/sandbox.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Whether a Meta body names the wamid (Meta escapes `/` in it, so the text is parsed first). */
const mentions = (body: string, wamid: string) => JSON.stringify(JSON.parse(body)).includes(JSON.stringify(wamid));
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');

interface Captured { path: string; headers: http.IncomingHttpHeaders; body: string }

/** Every inbound type the sandbox injects, with what the chat log shows as its text. */
const EVERY_TYPE: { type: string; content?: unknown; text: string | null }[] = [
  { type: 'text', content: { body: 'Hello there' }, text: 'Hello there' },
  { type: 'image', content: { caption: 'my car', mime_type: 'image/png', data: PNG.toString('base64') }, text: 'my car' },
  { type: 'audio', content: { voice: true }, text: null },
  { type: 'video', content: { caption: 'clip' }, text: 'clip' },
  { type: 'document', content: { filename: 'quote.pdf' }, text: 'quote.pdf' },
  { type: 'sticker', content: { animated: false }, text: null },
  { type: 'location', content: { latitude: 18.52, longitude: 73.85, name: 'Office', address: 'Pune' }, text: 'Office' },
  { type: 'contacts', content: [{ name: { formatted_name: 'Ravi Kumar', first_name: 'Ravi' }, phones: [{ phone: '+91 99001 12234', type: 'CELL' }] }], text: 'Ravi Kumar' },
  { type: 'interactive', content: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes please' } }, text: 'Yes please' },
  { type: 'button', content: { payload: 'CONFIRM', text: 'Confirm' }, text: 'Confirm' },
  { type: 'reaction', content: { message_id: 'wamid.some', emoji: '\u{1F44D}' }, text: '\u{1F44D}' },
  { type: 'order', content: { catalog_id: 'c1', product_items: [{ product_retailer_id: 'p1', quantity: 2, item_price: 10, currency: 'INR' }], text: 'two please' }, text: 'two please' },
  { type: 'system', content: { body: 'User changed number', type: 'user_changed_number', new_wa_id: '919811111111' }, text: 'User changed number' },
  { type: 'unsupported', text: null },
  { type: 'request_welcome', text: null },
];

describe('processing of inbound WhatsApp events (API.md §8.4) against the sandbox', () => {
  let sandbox: RunningSandbox;
  let server: TestServer;
  let alpha: SeededTeam;
  let pluginId: string;
  let q: Kysely<any>;
  let receiver: http.Server;
  let receiverUrl: string;
  const captured: Captured[] = [];

  const count = async (table: 'whatsapp_inbound_events' | 'whatsapp_messages') =>
    Number((await q.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  /** Waits until the receiver has kept `n` events (the sandbox posts them asynchronously). */
  const waitKept = async (n: number) => {
    for (let i = 0; i < 500 && (await count('whatsapp_inbound_events')) < n; i += 1) await sleep(10);
    assert.ok((await count('whatsapp_inbound_events')) >= n, `fewer than ${n} events kept`);
  };
  const drain = async () => {
    while ((await server.runtime.engine.runOnce()) > 0);
  };
  /** Processes what arrives until `done` holds (events the sandbox sends come asynchronously). */
  const until = async (done: () => Promise<boolean>, timeoutMs = 3000) => {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline && !(await done());) {
      await sleep(10);
      await drain();
    }
    assert.ok(await done(), 'what was waited for did not happen');
  };
  const inject = async (input: Record<string, unknown>) => {
    const response = await fetch(`${sandbox.url}/_sandbox/inbound`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phoneNumberId: PHONE_NUMBER_ID, ...input }),
    });
    const body = (await response.json()) as { id: string };
    assert.equal(response.status, 200, JSON.stringify(body));
    return body.id;
  };
  /** Injects messages and waits until each is kept, then processes them. */
  const deliver = async (inputs: Record<string, unknown>[]) => {
    const before = await count('whatsapp_inbound_events');
    const ids = [];
    for (const input of inputs) ids.push(await inject(input));
    await waitKept(before + inputs.length);
    await drain();
    return ids;
  };
  const settings = async (patch: Record<string, unknown>) => {
    const res = await fetch(`${sandbox.url}/_sandbox/settings`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(patch) });
    assert.equal(res.status, 200);
  };
  const message = (wamid: string) => q.selectFrom('whatsapp_messages').selectAll().where('external_id', '=', wamid).executeTakeFirst();
  const leadsFor = async (phone: string) => {
    const res = await client(server.url, alpha.tokens.admin).post('/v1/ext/procedure/lead/process/list', { where: { phone_number: `+${phone}` }, limit: 10 });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body._data as { id: string; data: Record<string, unknown> }[];
  };
  /** A status event signed as Meta signs it, posted straight to the receiver. */
  const postStatus = (wamid: string, status: string, extra: Record<string, unknown> = {}) => postSigned('messages', {
    messaging_product: 'whatsapp', metadata: { display_phone_number: '15550000000', phone_number_id: PHONE_NUMBER_ID },
    statuses: [{ id: wamid, status, timestamp: '1764720000', recipient_id: '919700000001', ...extra }],
  });
  /** A change signed as Meta signs it, posted straight to the receiver, then processed; returns the body. */
  const postSigned = async (field: string, value: Record<string, unknown>) => {
    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: WABA_ID, changes: [{ field, value }] }] });
    const res = await call(server.url, 'POST', `/v1/webhooks/whatsapp/${pluginId}`, {
      body, contentType: 'application/json', headers: { 'x-hub-signature-256': `sha256=${createHmac('sha256', PLUGIN_SECRETS.WHATSAPP_APP_SECRET).update(body).digest('hex')}` },
    });
    assert.equal(res.status, 200);
    await drain();
    return body;
  };
  const sendText = async (to: string) => {
    const res = await client(server.url, alpha.tokens.admin).post(`/v1/ext/plugin/whatsapp/${pluginId}/api/v21.0/${PHONE_NUMBER_ID}/messages`, {
      messaging_product: 'whatsapp', to, type: 'text', text: { body: 'Thanks for writing' },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body._data.whatsappMessageId as string;
  };

  before(async () => {
    receiver = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        captured.push({ path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    sandbox = await startTestSandbox();
    server = await startTestServer({ env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' } });
    q = server.runtime.db.kysely as unknown as Kysely<any>;
    alpha = await seedTeam(server.runtime, 'alpha');
    pluginId = (await applyPlugins(server.runtime, 'alpha', [{ wabaId: WABA_ID, phones: [PHONE_NUMBER_ID], graphApiUrl: sandbox.url }])).get(WABA_ID)!;
    sandbox.registerAccount({
      wabaId: WABA_ID, accessToken: PLUGIN_SECRETS.WHATSAPP_ACCESS_TOKEN, appSecret: PLUGIN_SECRETS.WHATSAPP_APP_SECRET,
      phoneNumbers: [{ id: PHONE_NUMBER_ID, displayPhoneNumber: '15550000000' }], callbackUrl: `${server.url}/v1/webhooks/whatsapp/${pluginId}`,
    });
  });
  after(async () => {
    await server?.close();
    await sandbox?.close();
    receiver?.close();
  });

  it('stores a message of every type the sandbox sends once, with its contact, chat, text and media, and the media outlives Meta', async () => {
    const from = '919800000001';
    const ids = await deliver(EVERY_TYPE.map((t) => ({ from, name: 'Meera', type: t.type, ...(t.content === undefined ? {} : { [t.type]: t.content }) })));
    assert.equal(await count('whatsapp_messages'), EVERY_TYPE.length);
    const contacts = await q.selectFrom('whatsapp_contacts').selectAll().where('phone', '=', from).execute();
    assert.equal(contacts.length, 1);
    assert.equal(contacts[0].name, 'Meera');
    const chats = await q.selectFrom('whatsapp_chats').selectAll().where('contact_id', '=', contacts[0].id).execute();
    assert.equal(chats.length, 1);
    assert.equal(chats[0].status, 'OPEN');
    const mediaIds: string[] = [];
    for (const [i, t] of EVERY_TYPE.entries()) {
      const row = await message(ids[i]);
      assert.ok(row, `${t.type} not stored`);
      assert.equal(row.data_type, t.type);
      assert.equal(row.direction, 'INBOUND');
      assert.equal(row.delivery_status, 'DELIVERED');
      assert.equal(row.text, t.text, t.type);
      assert.equal(row.chat_id, chats[0].id);
      const attachments = server.runtime.db.dialect.readJson(typeof row.attachments === 'string' ? JSON.parse(row.attachments) : row.attachments) as { mediaId: string; link: string }[];
      if (['image', 'audio', 'video', 'document', 'sticker'].includes(t.type)) {
        assert.equal(attachments.length, 1, t.type);
        assert.match(attachments[0].link, /\/v1\/whatsapp\/v21\.0\/media\//);
        mediaIds.push(attachments[0].mediaId);
      } else assert.deepEqual(attachments, []);
    }
    await fetch(`${sandbox.url}/_sandbox/reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    for (const mediaId of mediaIds) {
      const shown = await fetch(`${server.url}/v1/whatsapp/v21.0/media/${mediaId}/show`, { headers: { authorization: `Bearer ${alpha.tokens.user}` } });
      assert.equal(shown.status, 200, mediaId);
      const bytes = Buffer.from(await shown.arrayBuffer());
      if (mediaId === mediaIds[0]) {
        assert.deepEqual(bytes, PNG);
        assert.equal(shown.headers.get('content-type'), 'image/png');
      } else assert.ok(bytes.length > 0);
    }
  });

  it('keeps the message when its media cannot be downloaded yet, and the media once a retry succeeds', async () => {
    const failures = (method: string, body?: unknown) => fetch(`${sandbox.url}/_sandbox/failures`, {
      method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    // Enough 503s for the first run's lookup and its own quick retries.
    assert.equal((await failures('PUT', { serverErrors: { count: 3, status: 503 } })).status, 200);
    const [wamid] = await deliver([{ from: '919800000007', name: 'Retry', type: 'image', image: { caption: 'later' } }]);
    const row = await message(wamid);
    assert.equal(row?.text, 'later');
    const attachments = (typeof row!.attachments === 'string' ? JSON.parse(row!.attachments) : row!.attachments) as { mediaId: string }[];
    const kept = () => q.selectFrom('whatsapp_media').select('media_id').where('media_id', '=', attachments[0].mediaId).executeTakeFirst();
    assert.equal(await kept(), undefined);
    await until(async () => (await kept()) !== undefined, 5000);
    const shown = await fetch(`${server.url}/v1/whatsapp/v21.0/media/${attachments[0].mediaId}/show`, { headers: { authorization: `Bearer ${alpha.tokens.user}` } });
    assert.equal(shown.status, 200);
    await failures('DELETE');
  });

  it('re-opens a closed chat, and links every message of a phone to its one lead', async () => {
    const from = '919800000002';
    const [first] = await deliver([{ from, name: 'Kiran', type: 'text', text: { body: 'first' } }]);
    await q.updateTable('whatsapp_chats').set({ status: 'CLOSED' }).execute();
    const [second] = await deliver([{ from, name: 'Kiran', type: 'text', text: { body: 'second' } }]);
    const rows = [await message(first), await message(second)];
    const chat = await q.selectFrom('whatsapp_chats').selectAll().where('id', '=', rows[1]!.chat_id).executeTakeFirstOrThrow();
    assert.equal(chat.status, 'OPEN');
    const leads = await leadsFor(from);
    assert.equal(leads.length, 1);
    assert.equal(leads[0].data.first_name, 'Kiran');
    assert.deepEqual(rows.map((r) => r!.process_id), [leads[0].id, leads[0].id]);
  });

  it('creates one lead when the first two messages of a new phone are processed at the same time', async () => {
    const from = '919800000003';
    const before = await count('whatsapp_inbound_events');
    await inject({ from, name: 'Dev', type: 'text', text: { body: 'one' } });
    await inject({ from, name: 'Dev', type: 'text', text: { body: 'two' } });
    await waitKept(before + 2);
    // One round claims both jobs and runs them concurrently.
    assert.equal(await server.runtime.engine.runOnce(), 2);
    assert.equal((await leadsFor(from)).length, 1);
  });

  it('moves statuses forward only: out of order, duplicated, and FAILED keeping its error', async () => {
    // Only the statuses posted here (the sandbox's own `sent` aside), whatever the timing.
    await settings({ statusEvents: { dropDelivered: true, skipRead: true } });
    const customer = '919700000001';
    await deliver([{ from: customer, name: 'Out of order', type: 'text', text: { body: 'hi' } }]);
    const wamid = await sendText(customer);
    for (const status of ['read', 'delivered', 'sent', 'read', 'sent']) {
      await postStatus(wamid, status);
      assert.equal((await message(wamid))?.delivery_status, 'READ', `after ${status}`);
    }
    const failing = await sendText(customer);
    await postStatus(failing, 'sent');
    const error = { code: 131026, title: 'Message undeliverable', message: 'Message undeliverable', error_data: { details: 'Receiver is incapable of receiving this message' } };
    await postStatus(failing, 'failed', { errors: [error] });
    await postStatus(failing, 'read');
    await postStatus(failing, 'delivered');
    const row = await message(failing);
    assert.equal(row?.delivery_status, 'FAILED');
    const kept = typeof row?.delivery_error === 'string' ? JSON.parse(row.delivery_error) : row?.delivery_error;
    assert.deepEqual(kept, error);
    await postStatus('wamid.unknown', 'read');
    await settings({ statusEvents: { dropDelivered: false, skipRead: false } });
  });

  it("applies a status that came before the send's answer was kept, once the answer is kept", async () => {
    await settings({ statusEvents: { dropDelivered: true, skipRead: true } });
    const customer = '919700000002';
    await deliver([{ from: customer, name: 'Early status', type: 'text', text: { body: 'hi' } }]);
    const wamid = await sendText(customer);
    const row = (await message(wamid))!;
    // As if Meta's `read` overtook its answer to the send: the message has no wamid yet.
    await q.updateTable('whatsapp_messages').set({ external_id: null, delivery_status: 'PENDING' }).where('id', '=', row.id).execute();
    await postStatus(wamid, 'read', { recipient_id: customer });
    assert.equal((await q.selectFrom('whatsapp_messages').select('delivery_status').where('id', '=', row.id).executeTakeFirstOrThrow()).delivery_status, 'PENDING');
    await q.updateTable('whatsapp_messages').set({ external_id: wamid }).where('id', '=', row.id).execute();
    await until(async () => (await message(wamid))?.delivery_status === 'READ', 5000);
    await settings({ statusEvents: { dropDelivered: false, skipRead: false } });
  });

  it("follows the sandbox's own status events, duplicated and reordered, to READ", async () => {
    await settings({ statusDelays: { sentMs: 10, deliveredMs: 30, readMs: 50 }, statusEvents: { duplicate: true, reorder: true } });
    const wamid = await sendText('919700000001');
    for (let i = 0; i < 300 && (await message(wamid))?.delivery_status !== 'READ'; i += 1) {
      await sleep(10);
      await drain();
    }
    await sleep(100);
    await drain();
    assert.equal((await message(wamid))?.delivery_status, 'READ');
    await settings({ statusDelays: { sentMs: 100, deliveredMs: 300, readMs: 600 }, statusEvents: { duplicate: false, reorder: false } });
  });

  it("forwards Meta's body byte for byte and Chakra message and deliveryStatus events, signed, each once", async () => {
    const admin = client(server.url, alpha.tokens.admin);
    const updated = await admin.post(`/v1/ext/plugin/whatsapp/${pluginId}/update-config`, {
      passThroughWebhookUrl: `${receiverUrl}/meta`, chakraWebhookUrl: `${receiverUrl}/chakra`, enableChakraWebhook: true, whichChakraWebhookEventsToSend: ['message', 'status'],
    });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    captured.length = 0;
    const from = '919800000004';
    const [wamid] = await deliver([{ from, name: 'Forward', type: 'text', text: { body: 'forward me' } }]);
    // The sandbox records a delivery once it has read the answer: wait for that record.
    let metaBody: string | undefined;
    for (let i = 0; i < 200 && metaBody === undefined; i += 1) {
      const deliveries = (await (await fetch(`${sandbox.url}/_sandbox/webhooks`)).json()) as { data: { body: string }[] };
      metaBody = deliveries.data.find((d) => mentions(d.body, wamid))?.body;
      if (metaBody === undefined) await sleep(10);
    }
    assert.ok(metaBody, 'the sandbox did not record its delivery');
    const stored = await message(wamid);
    // Status events of earlier sends may arrive meanwhile: they are forwarded too, and left out here.
    const passThrough = captured.filter((c) => c.path === '/meta' && mentions(c.body, wamid));
    assert.equal(passThrough.length, 1);
    assert.equal(passThrough[0].body, metaBody);
    assert.equal(passThrough[0].headers['x-chakra-signature-256'], createHmac('sha256', PLUGIN_SECRETS.CHAKRA_WEBHOOK_SECRET).update(metaBody).digest('hex'));
    const chakra = captured.filter((c) => c.path === '/chakra').map((c) => JSON.parse(c.body)).filter((e) => e.event === 'message');
    assert.equal(chakra.length, 1);
    assert.equal(chakra[0].event, 'message');
    assert.equal(chakra[0].payload.wabaId, WABA_ID);
    assert.equal(chakra[0].payload.externalId, wamid);
    assert.equal(chakra[0].payload.messageId, stored!.id);
    assert.equal(chakra[0].payload.message.text.body, 'forward me');
    assert.equal(chakra[0].payload.contacts[0].profile.name, 'Forward');
    assert.equal(typeof chakra[0].payload.timestamp, 'number');

    captured.length = 0;
    const sent = await sendText(from);
    for (const status of ['sent', 'read', 'delivered', 'read']) await postStatus(sent, status);
    await drain();
    const statuses = captured.filter((c) => c.path === '/chakra').map((c) => JSON.parse(c.body));
    const outbound = await message(sent);
    const own = statuses.filter((s) => s.payload.externalId === sent);
    // The sandbox's own statuses for this send may slip in between (a DELIVERED among them): what
    // counts is one event per forward move, in order, ending at READ, and none for the late ones.
    const moves = own.map((s) => s.payload.deliveryStatus as string);
    const rank = ['SENT', 'DELIVERED', 'READ'];
    assert.deepEqual(moves, [...new Set(moves)].sort((a, b) => rank.indexOf(a) - rank.indexOf(b)), moves.join());
    assert.equal(moves[0], 'SENT');
    assert.equal(moves.at(-1), 'READ');
    assert.deepEqual(Object.keys(own[0].payload).sort(), ['deliveryStatus', 'externalId', 'id', 'recipientId', 'timestamp']);
    assert.equal(own[0].payload.id, outbound!.id);
    assert.equal(own[0].event, 'deliveryStatus');
  });

  it('records template status events, forwards calls and honours the message echoes setting', async () => {
    // Creating it at the sandbox approves it at once (an APPROVED event), then a reviewer rejects it.
    const templateId = await createTemplate(sandbox, { name: 'visit_reminder', language: 'en', category: 'UTILITY', components: [{ type: 'BODY', text: 'See you soon' }] });
    // A send while it is approved keeps the template in the server's cache (for a minute)...
    const sendReminder = () => client(server.url, alpha.tokens.admin).post(`/v1/ext/plugin/whatsapp/${pluginId}/phoneNumber/919800000009/send-template-message`, {
      whatsappPhoneNumberId: PHONE_NUMBER_ID, templateName: 'visit_reminder', language: 'en',
    });
    const approved = await sendReminder();
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    const judged = await fetch(`${sandbox.url}/_sandbox/template-status`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ templateId, event: 'REJECTED', reason: 'INVALID_FORMAT' }),
    });
    assert.equal(judged.status, 200);
    const events = () => q.selectFrom('whatsapp_template_events').selectAll().where('template_id', '=', templateId).execute();
    await until(async () => (await events()).length >= 2);
    assert.deepEqual((await events()).map((e) => [e.name, e.language, e.event, e.reason]).sort(), [
      ['visit_reminder', 'en', 'APPROVED', null], ['visit_reminder', 'en', 'REJECTED', 'INVALID_FORMAT'],
    ]);
    // ...and the rejection drops it: the next send is refused here, before anything reaches Meta.
    const sentTo = async () => ((await (await fetch(`${sandbox.url}/_sandbox/sent?to=919800000009`)).json()) as { data: unknown[] }).data.length;
    const sentBefore = await sentTo();
    assert.equal(sentBefore, 1);
    const refused = await sendReminder();
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.match(refused.body._errors[0], /no approved template named 'visit_reminder'/);
    assert.equal(await sentTo(), sentBefore, 'the refused send reached the sandbox');

    captured.length = 0;
    const call = await fetch(`${sandbox.url}/_sandbox/calls`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phoneNumberId: PHONE_NUMBER_ID, event: 'connect', from: '919800000005' }),
    });
    assert.equal(call.status, 200);
    const isCall = (c: Captured) => c.path === '/meta' && (JSON.parse(c.body) as { entry: { changes: { field: string }[] }[] }).entry[0].changes[0].field === 'calls';
    await until(async () => captured.some(isCall));
    assert.ok(!captured.some((c) => c.path === '/chakra' && c.body.includes('919800000005')), 'calls make no Chakra event');

    const echo = { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550000000', phone_number_id: PHONE_NUMBER_ID },
      message_echoes: [{ from: '15550000000', to: '919800000006', id: 'wamid.echo1', timestamp: '1764720000', type: 'text', text: { body: 'sent from the app' } }] };
    const off = await postSigned('smb_message_echoes', echo);
    await drain();
    assert.ok(!captured.some((c) => c.body === off), 'an echo was forwarded with echoes off');
    const admin = client(server.url, alpha.tokens.admin);
    assert.equal((await admin.post(`/v1/ext/plugin/whatsapp/${pluginId}/update-config`, { enableMessageEchoesForPassThroughWebhook: true })).status, 200);
    const on = await postSigned('smb_message_echoes', { ...echo, message_echoes: [{ ...echo.message_echoes[0], id: 'wamid.echo2' }] });
    await drain();
    assert.equal(captured.filter((c) => c.body === on).length, 1);
  });

  it('never logs a secret while processing, retrying or forwarding', async () => {
    const logs = server.logLines().join('\n');
    assert.ok(logs.includes('job failed; will retry'), 'the failed media download was logged');
    for (const secret of Object.values(PLUGIN_SECRETS)) assert.ok(!logs.includes(secret), 'a secret was logged');
  });
});
