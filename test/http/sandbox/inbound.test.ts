import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DISPLAY_NUMBER, PHONE_ID, startHarness, TOKEN, USER, WABA_ID, type Harness } from './sandbox-fixture.ts';

describe('sandbox: inbound messages injected through the control API', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());
  beforeEach(async () => {
    await h.control('POST', '/_sandbox/reset');
    h.receiver.clear();
  });

  const inject = async (input: Record<string, unknown>) => {
    const r = await h.control('POST', '/_sandbox/inbound', { phoneNumberId: PHONE_ID, from: USER, ...input });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const webhooks = await h.receiver.waitFor(h.receiver.received.length + 1);
    const value = webhooks.at(-1)!.body.entry[0].changes[0].value;
    assert.equal(value.messages[0].id, r.body.id);
    return value;
  };

  it('delivers a text message as Meta does: contacts plus the message, keyed by the business number', async () => {
    const value = await inject({ name: 'Sheena Nelson', type: 'text', text: { body: 'Does it come in red?' }, context: { from: DISPLAY_NUMBER, id: 'wamid.earlier' } });
    assert.deepEqual(value.metadata, { display_phone_number: DISPLAY_NUMBER, phone_number_id: PHONE_ID });
    assert.deepEqual(value.contacts, [{ profile: { name: 'Sheena Nelson' }, wa_id: USER }]);
    const [message] = value.messages;
    assert.equal(message.from, USER);
    assert.match(message.id, /^wamid\./);
    assert.match(message.timestamp, /^\d+$/);
    assert.equal(message.type, 'text');
    assert.deepEqual(message.text, { body: 'Does it come in red?' });
    assert.deepEqual(message.context, { from: DISPLAY_NUMBER, id: 'wamid.earlier' });
    assert.equal(h.receiver.received[0].body.entry[0].id, WABA_ID);
  });

  it('stores a user\'s media so the business can fetch it through the media endpoints', async () => {
    const bytes = Buffer.from('a voice note');
    const value = await inject({ type: 'audio', audio: { mime_type: 'audio/ogg; codecs=opus', voice: true, data: bytes.toString('base64') } });
    const audio = value.messages[0].audio;
    assert.equal(audio.voice, true);
    assert.equal(audio.mime_type, 'audio/ogg; codecs=opus');
    assert.equal(audio.data, undefined);
    assert.match(audio.sha256, /^[A-Za-z0-9+/]+=*$/, 'webhook media carry a base64 digest');
    const info = await h.graph('GET', `/v21.0/${audio.id}`);
    assert.equal(info.status, 200);
    const download = await fetch(info.body.url, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), bytes);
  });

  it('delivers every other type in Meta\'s shape', async () => {
    const cases: Record<string, unknown>[] = [
      { type: 'image', image: { caption: 'Taj Mahal', mime_type: 'image/jpeg' } },
      { type: 'video', video: { caption: 'clip' } },
      { type: 'document', document: { filename: 'receipt.pdf', mime_type: 'application/pdf' } },
      { type: 'sticker', sticker: { mime_type: 'image/webp', animated: false } },
      { type: 'location', location: { latitude: 37.44, longitude: -122.16, name: 'Philz Coffee', address: '101 Forest Ave' } },
      { type: 'contacts', contacts: [{ name: { formatted_name: 'Lucía Gómez', first_name: 'Lucía' }, phones: [{ phone: '+1 983 555 2319', wa_id: '19835552319', type: 'MOBILE' }] }] },
      { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'slot_am', title: 'Morning' } } },
      { type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'express', title: 'Express', description: 'Next day' } } },
      { type: 'button', button: { payload: 'STOP', text: 'Stop' } },
      { type: 'reaction', reaction: { message_id: 'wamid.abc', emoji: '👍' } },
      { type: 'order', order: { catalog_id: '194836987003835', text: '', product_items: [{ product_retailer_id: 'sku1', quantity: 2, item_price: 30, currency: 'USD' }] } },
    ];
    for (const input of cases) {
      const value = await inject(input);
      const message = value.messages[0];
      assert.equal(message.type, input.type);
      assert.ok(message[input.type as string], `${input.type} content present`);
      assert.ok(value.contacts, `${input.type} carries contacts`);
    }
    const system = await inject({ type: 'system', system: { body: 'User changed number', wa_id: '12195555358', type: 'user_changed_number' } });
    assert.equal(system.contacts, undefined, 'system messages come without contacts');
    const unsupported = await inject({ type: 'unsupported' });
    assert.equal(unsupported.messages[0].errors[0].code, 131051);
  });

  it('refuses an injection that names no registered number, a bad sender, type or content', async () => {
    const bad: Record<string, unknown>[] = [
      { phoneNumberId: '1', from: USER, type: 'text', text: { body: 'x' } },
      { phoneNumberId: PHONE_ID, from: 'nobody', type: 'text', text: { body: 'x' } },
      { phoneNumberId: PHONE_ID, from: USER, type: 'hologram' },
      { phoneNumberId: PHONE_ID, from: USER, type: 'text', text: {} },
      { phoneNumberId: PHONE_ID, from: USER, type: 'interactive', interactive: { type: 'thumbs' } },
      { phoneNumberId: PHONE_ID, from: USER, type: 'image', image: { mime_type: 'application/x-msdownload' } },
    ];
    for (const body of bad) {
      const r = await h.control('POST', '/_sandbox/inbound', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(typeof r.body.error.message, 'string');
    }
    assert.equal(h.receiver.received.length, 0);
  });
});
