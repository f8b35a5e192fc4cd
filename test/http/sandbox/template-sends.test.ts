import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertGraphError, startHarness, until, USER, WABA_ID, type Harness } from './sandbox-fixture.ts';

const TEMPLATES = [
  {
    name: 'order_update', language: 'en_US', category: 'UTILITY',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Hi {{1}}' },
      { type: 'BODY', text: 'Order {{1}} ships on {{2}}.' },
      { type: 'BUTTONS', buttons: [
        { type: 'URL', text: 'Track', url: 'https://example.com/track/{{1}}' },
        { type: 'QUICK_REPLY', text: 'Stop' },
      ] },
    ],
  },
  {
    name: 'named_offer', language: 'en', category: 'MARKETING', parameter_format: 'NAMED',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'For {{first_name}}' },
      { type: 'BODY', text: 'Hi {{first_name}}, use {{code}}.' },
      { type: 'BUTTONS', buttons: [{ type: 'COPY_CODE', example: 'SAVE10', text: 'Copy code' }] },
    ],
  },
  { name: 'receipt_doc', language: 'en', category: 'UTILITY', components: [{ type: 'HEADER', format: 'DOCUMENT' }, { type: 'BODY', text: 'Your receipt.' }] },
  { name: 'store_pin', language: 'en', category: 'UTILITY', components: [{ type: 'HEADER', format: 'LOCATION' }, { type: 'BODY', text: 'We are here.' }] },
  { name: 'promo_image', language: 'en', category: 'MARKETING', components: [{ type: 'HEADER', format: 'IMAGE' }, { type: 'BODY', text: 'Sale!' }] },
  {
    name: 'login_code', language: 'en', category: 'AUTHENTICATION',
    components: [{ type: 'BODY', add_security_recommendation: true }, { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy' }] }],
  },
  { name: 'plain_hello', language: 'en', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hello there.' }] },
];

describe('sandbox: sending templates', () => {
  let h: Harness;
  const send = (template: Record<string, unknown>) => h.send({ to: USER, type: 'template', template });
  const text = (value: string, name?: string) => ({ type: 'text', text: value, ...(name ? { parameter_name: name } : {}) });

  before(async () => {
    h = await startHarness();
    for (const template of TEMPLATES) {
      const r = await h.graph('POST', `/v21.0/${WABA_ID}/message_templates`, { body: template });
      assert.equal(r.body.status, 'APPROVED', `${template.name}: ${JSON.stringify(r.body)}`);
    }
  });
  after(() => h.close());

  it('sends a positional template with header, body, URL and quick-reply values', async () => {
    const r = await send({
      name: 'order_update', language: { code: 'en_US', policy: 'deterministic' },
      components: [
        { type: 'header', parameters: [text('Pablo')] },
        { type: 'body', parameters: [text('123'), { type: 'date_time', date_time: { fallback_value: 'Monday' } }] },
        { type: 'button', sub_type: 'url', index: '0', parameters: [text('123')] },
        { type: 'button', sub_type: 'quick_reply', index: 1, parameters: [{ type: 'payload', payload: 'STOP' }] },
      ],
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.messages[0].message_status, 'accepted');
  });

  it('a name or language that does not exist is 132001 (HTTP 404)', async () => {
    const unknown = await send({ name: 'no_such_template', language: { code: 'en_US' } });
    assertGraphError(unknown, 404, 132001);
    assert.equal(unknown.body.error.message, '(#132001) Template name does not exist in the translation');
    assertGraphError(await send({ name: 'order_update', language: { code: 'en' } }), 404, 132001);
  });

  it('a wrong number of values is 132000; a missing value is 131008', async () => {
    const header = { type: 'header', parameters: [text('Pablo')] };
    const button = { type: 'button', sub_type: 'url', index: '0', parameters: [text('1')] };
    assertGraphError(await send({ name: 'order_update', language: { code: 'en_US' }, components: [header, { type: 'body', parameters: [text('1')] }, button] }), 400, 132000);
    assertGraphError(await send({ name: 'order_update', language: { code: 'en_US' }, components: [header, { type: 'body', parameters: [text('1'), text('2'), text('3')] }, button] }), 400, 132000);
    assertGraphError(await send({ name: 'order_update', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [text('1'), text('2')] }, button] }), 400, 132000);
    assertGraphError(await send({ name: 'order_update', language: { code: 'en_US' }, components: [header, { type: 'body', parameters: [text('1'), text('2')] }] }), 400, 131008);
    assertGraphError(await send({ name: 'order_update', language: { code: 'en_US' }, components: [header, { type: 'body', parameters: [text('1'), { type: 'text' }] }, button] }), 400, 131008);
    assertGraphError(await send({ name: 'plain_hello', language: { code: 'en' }, components: [{ type: 'body', parameters: [text('extra')] }] }), 400, 132000);
    assert.equal((await send({ name: 'plain_hello', language: { code: 'en' } })).status, 200);
  });

  it('named parameters may come in any order but must all be named and known', async () => {
    const header = { type: 'header', parameters: [text('Ann', 'first_name')] };
    const copy = { type: 'button', sub_type: 'copy_code', index: 0, parameters: [{ type: 'coupon_code', coupon_code: 'SAVE10' }] };
    const ok = await send({ name: 'named_offer', language: { code: 'en' }, components: [header, { type: 'body', parameters: [text('SAVE10', 'code'), text('Ann', 'first_name')] }, copy] });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assertGraphError(await send({ name: 'named_offer', language: { code: 'en' }, components: [header, { type: 'body', parameters: [text('SAVE10'), text('Ann', 'first_name')] }, copy] }), 400, 131008);
    assertGraphError(await send({ name: 'named_offer', language: { code: 'en' }, components: [header, { type: 'body', parameters: [text('SAVE10', 'coupon'), text('Ann', 'first_name')] }, copy] }), 400, 132000);
    assertGraphError(await send({ name: 'named_offer', language: { code: 'en' }, components: [header, { type: 'body', parameters: [text('SAVE10', 'code'), text('Ann', 'first_name')] }] }), 400, 131008);
  });

  it('media and location headers need a value of their kind', async () => {
    const doc = await send({ name: 'receipt_doc', language: { code: 'en' }, components: [{ type: 'header', parameters: [{ type: 'document', document: { link: 'https://example.com/r.pdf', filename: 'r.pdf' } }] }] });
    assert.equal(doc.status, 200, JSON.stringify(doc.body));
    assertGraphError(await send({ name: 'receipt_doc', language: { code: 'en' } }), 400, 131008);
    assertGraphError(await send({ name: 'receipt_doc', language: { code: 'en' }, components: [{ type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/a.jpg' } }] }] }), 400, 132012);
    assertGraphError(await send({ name: 'promo_image', language: { code: 'en' }, components: [{ type: 'header', parameters: [{ type: 'image', image: {} }] }] }), 400, 131008);
    const pin = await send({ name: 'store_pin', language: { code: 'en' }, components: [{ type: 'header', parameters: [{ type: 'location', location: { latitude: '37.44', longitude: '-122.16', name: 'Philz', address: '101 Forest Ave' } }] }] });
    assert.equal(pin.status, 200, JSON.stringify(pin.body));
  });

  it('an authentication template takes the code in the body and in the OTP button', async () => {
    const ok = await send({ name: 'login_code', language: { code: 'en' }, components: [
      { type: 'body', parameters: [text('123456')] }, { type: 'button', sub_type: 'url', index: '0', parameters: [text('123456')] }] });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assertGraphError(await send({ name: 'login_code', language: { code: 'en' }, components: [{ type: 'body', parameters: [text('123456')] }] }), 400, 131008);
  });

  it('a template goes out even outside the customer-service window', async () => {
    const r = await h.send({ to: '447700900123', type: 'template', template: { name: 'plain_hello', language: { code: 'en' } } });
    assert.equal(r.status, 200);
    await h.advance(1_000);
    const mine = () => h.receiver.statusEvents().filter((s) => s.id === r.body.messages[0].id);
    await until(() => mine().length === 3);
    const statuses = mine();
    assert.deepEqual(statuses.map((s) => s.status).sort(), ['delivered', 'read', 'sent']);
    assert.deepEqual(statuses.find((s) => s.status === 'sent').pricing, { billable: true, pricing_model: 'PMP', category: 'utility', type: 'regular' });
  });
});
