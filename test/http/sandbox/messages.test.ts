import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertGraphError, OTHER_PHONE_ID, OTHER_TOKEN, PHONE_ID, startHarness, USER, type Harness } from './sandbox-fixture.ts';

describe('sandbox: POST /{v}/{phone-number-id}/messages', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());
  beforeEach(async () => {
    await h.control('POST', '/_sandbox/reset');
    await h.userWrites();
  });

  it('accepts a text message and answers Meta\'s success shape', async () => {
    const r = await h.send({ recipient_type: 'individual', to: '+1 (650) 555-1234', type: 'text', text: { body: 'Hi', preview_url: false } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.messaging_product, 'whatsapp');
    assert.deepEqual(r.body.contacts, [{ input: '+1 (650) 555-1234', wa_id: USER }]);
    assert.equal(r.body.messages.length, 1);
    assert.match(r.body.messages[0].id, /^wamid\.[A-Za-z0-9+/=]+$/);
    assert.equal(r.body.messages[0].message_status, undefined, 'only template sends carry message_status');
    const sent = await h.control('GET', '/_sandbox/sent');
    assert.equal(sent.body.data.length, 1);
    assert.equal(sent.body.data[0].id, r.body.messages[0].id);
    assert.equal(sent.body.data[0].type, 'text');
    assert.equal(h.sandbox.sent()[0].waId, USER);
  });

  it('accepts every free-form type in its valid shape', async () => {
    const messages: Record<string, unknown>[] = [
      { type: 'image', image: { link: 'https://example.com/a.jpg', caption: 'A' } },
      { type: 'audio', audio: { link: 'https://example.com/a.ogg' } },
      { type: 'video', video: { link: 'https://example.com/v.mp4', caption: 'V' } },
      { type: 'document', document: { link: 'https://example.com/i.pdf', filename: 'i.pdf' } },
      { type: 'sticker', sticker: { link: 'https://example.com/s.webp' } },
      { type: 'location', location: { latitude: 37.75, longitude: -122.42, name: 'HQ', address: '1 Hacker Way' } },
      { type: 'contacts', contacts: [{ name: { formatted_name: 'John Smith', first_name: 'John' }, phones: [{ phone: '+1 650 555 1234', type: 'WORK' }] }] },
      { type: 'reaction', reaction: { message_id: 'wamid.abc', emoji: '👍' } },
      { type: 'reaction', reaction: { message_id: 'wamid.abc', emoji: '' } },
      { type: 'interactive', interactive: { type: 'button', body: { text: 'Pick' }, action: { buttons: [
        { type: 'reply', reply: { id: 'a', title: 'Morning' } }, { type: 'reply', reply: { id: 'b', title: 'Afternoon' } }] } } },
      { type: 'interactive', interactive: { type: 'list', header: { type: 'text', text: 'Shipping' }, body: { text: 'Choose' }, footer: { text: 'f' },
        action: { button: 'Options', sections: [{ title: 'Express', rows: [{ id: 'x', title: 'Next day', description: 'fast' }] }] } } },
      { type: 'interactive', interactive: { type: 'cta_url', body: { text: 'Track' }, action: { name: 'cta_url', parameters: { display_text: 'Track', url: 'https://example.com/t' } } } },
      { type: 'interactive', interactive: { type: 'flow', body: { text: 'Book' }, action: { name: 'flow', parameters: { flow_message_version: '3', flow_id: '123', flow_cta: 'Book' } } } },
      { type: 'text', text: { body: 'quoted' }, context: { message_id: 'wamid.quoted' }, biz_opaque_callback_data: 'corr-1' },
    ];
    for (const message of messages) {
      const r = await h.send({ to: USER, ...message });
      assert.equal(r.status, 200, `${JSON.stringify(message)} → ${JSON.stringify(r.body)}`);
    }
    assert.equal(h.sandbox.sent().length, messages.length);
  });

  it('takes `recipient` in place of `to`, and echoes a business-scoped user id with an empty wa_id', async () => {
    const byRecipient = await h.send({ recipient: USER, type: 'text', text: { body: 'x' } });
    assert.equal(byRecipient.status, 200);
    assert.deepEqual(byRecipient.body.contacts, [{ input: USER, wa_id: USER }]);
    const bsuid = await h.send({ recipient: 'user.8a1f2c', type: 'text', text: { body: 'x' } });
    assert.equal(bsuid.status, 200);
    assert.deepEqual(bsuid.body.contacts, [{ input: 'user.8a1f2c', wa_id: '', user_id: 'user.8a1f2c' }]);
  });

  it('refuses malformed messages with 131008 (missing) or 131009 (invalid) and Meta\'s error shape', async () => {
    const cases: [Record<string, unknown>, number][] = [
      [{ type: 'text', text: { body: 'no recipient' } }, 131008],
      [{ to: USER, type: 'text', text: {} }, 131008],
      [{ to: USER, type: 'text', text: { body: 'x'.repeat(4097) } }, 131009],
      [{ to: 'not a number', type: 'text', text: { body: 'x' } }, 131009],
      [{ to: USER, type: 'carrier_pigeon', carrier_pigeon: {} }, 131009],
      [{ to: USER, type: 'image', image: {} }, 131008],
      [{ to: USER, type: 'image', image: { link: 'https://e.com/a.jpg', id: '1' } }, 131009],
      [{ to: USER, type: 'sticker', sticker: { link: 'https://e.com/s.webp', caption: 'no' } }, 131009],
      [{ to: USER, type: 'location', location: { latitude: 91, longitude: 0 } }, 131009],
      [{ to: USER, type: 'contacts', contacts: [{ phones: [] }] }, 131008],
      [{ to: USER, type: 'interactive', interactive: { type: 'button', body: { text: 'b' }, action: { buttons: [1, 2, 3, 4].map((i) => ({ type: 'reply', reply: { id: `${i}`, title: `t${i}` } })) } } }, 131009],
      [{ to: USER, type: 'interactive', interactive: { type: 'button', body: { text: 'b' }, action: { buttons: [{ type: 'reply', reply: { id: '1', title: 'a title longer than twenty' } }] } } }, 131009],
      [{ to: USER, type: 'interactive', interactive: { type: 'list', body: { text: 'b' }, action: { button: 'B', sections: [{ rows: Array.from({ length: 11 }, (_, i) => ({ id: `${i}`, title: `r${i}` })) }] } } }, 131009],
      [{ to: USER, type: 'interactive', interactive: { type: 'flow', body: { text: 'b' }, action: { name: 'flow', parameters: { flow_message_version: '2', flow_id: '1', flow_cta: 'c' } } } }, 131009],
      [{ to: USER, type: 'template', template: { name: 'x' } }, 131008],
      [{ to: USER, type: 'reaction', reaction: { emoji: '👍' } }, 131008],
    ];
    for (const [message, code] of cases) {
      const r = await h.send(message);
      assertGraphError(r, 400, code);
    }
    const noProduct = await h.graph('POST', `/v21.0/${PHONE_ID}/messages`, { body: { to: USER, type: 'text', text: { body: 'x' } } });
    assertGraphError(noProduct, 400, 131008);
    assert.equal(h.sandbox.sent().length, 0, 'nothing refused was recorded as sent');
  });

  it('an image by uploaded id must name media this business uploaded', async () => {
    const r = await h.send({ to: USER, type: 'image', image: { id: '123456789012345' } });
    assertGraphError(r, 400, 131009);
    assert.match(r.body.error.error_data.details, /123456789012345/);
  });

  it('marks an inbound message read (with or without a typing indicator) and answers {success: true}', async () => {
    const wamid = await h.userWrites(USER, 'are you there?');
    const read = await h.send({ status: 'read', message_id: wamid });
    assert.equal(read.status, 200);
    assert.deepEqual(read.body, { success: true });
    const typing = await h.send({ status: 'read', message_id: wamid, typing_indicator: { type: 'text' } });
    assert.deepEqual(typing.body, { success: true });
    const receipts = await h.control('GET', '/_sandbox/read-receipts');
    assert.deepEqual(receipts.body.data.map((r: any) => [r.messageId, r.typingIndicator]), [[wamid, false], [wamid, true]]);
    assertGraphError(await h.send({ status: 'read', message_id: 'wamid.unknown' }), 400, 100);
    assertGraphError(await h.send({ status: 'read' }), 400, 131008);
    assertGraphError(await h.send({ status: 'delivered', message_id: wamid }), 400, 131009);
  });

  it('a wrong or missing token is Meta\'s 190 with HTTP 401; an access_token query parameter works too', async () => {
    const message = { messaging_product: 'whatsapp', to: USER, type: 'text', text: { body: 'x' } };
    const wrong = await h.graph('POST', `/v21.0/${PHONE_ID}/messages`, { body: message, token: 'EAAG-wrong' });
    assertGraphError(wrong, 401, 190);
    assert.equal(wrong.body.error.type, 'OAuthException');
    assertGraphError(await h.graph('POST', `/v21.0/${PHONE_ID}/messages`, { body: message, token: null }), 401, 190);
    const byQuery = await h.graph('POST', `/v21.0/${PHONE_ID}/messages?access_token=EAAG-sandbox-token-1`, { body: message, token: null });
    assert.equal(byQuery.status, 200);
  });

  it('an unknown phone number id, or another account\'s, is Meta\'s unknown-object error (100, HTTP 400)', async () => {
    const message = { to: USER, type: 'text', text: { body: 'x' } };
    const unknown = await h.send(message, '999999999999999');
    assertGraphError(unknown, 400, 100);
    assert.equal(unknown.body.error.type, 'GraphMethodException');
    assert.equal(unknown.body.error.error_subcode, 33);
    assert.match(unknown.body.error.message, /^\(#100\) Unsupported post request\. Object with ID '999999999999999' does not exist/);
    assertGraphError(await h.send(message, OTHER_PHONE_ID), 400, 100);
    const asOwner = await h.graph('POST', `/v21.0/${OTHER_PHONE_ID}/messages`, { body: { messaging_product: 'whatsapp', ...message }, token: OTHER_TOKEN });
    assert.equal(asOwner.status, 200, 'the other account\'s own token opens its number');
  });

  it('accepts any vN.N version and refuses a path without one', async () => {
    for (const version of ['v17.0', 'v23.0', 'v25.1']) {
      const r = await h.graph('POST', `/${version}/${PHONE_ID}/messages`, { body: { messaging_product: 'whatsapp', to: USER, type: 'text', text: { body: 'x' } } });
      assert.equal(r.status, 200, version);
    }
    assertGraphError(await h.graph('POST', `/latest/${PHONE_ID}/messages`, { body: {} }), 400, 100);
    assertGraphError(await h.graph('GET', '/v21.0/a/b/c/d'), 400, 100);
  });

  it('an unparsable body is Meta\'s 100 error, not a crash', async () => {
    const response = await fetch(`${h.sandbox.url}/v21.0/${PHONE_ID}/messages`, {
      method: 'POST', headers: { authorization: 'Bearer EAAG-sandbox-token-1', 'content-type': 'application/json' }, body: '{"to":',
    });
    assertGraphError({ status: response.status, body: await response.json() }, 400, 100);
  });
});
