import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import type { RunningSandbox } from '../../../src/whatsapp/sandbox/index.ts';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { applyPlugins } from '../../support/plugins.ts';
import { createTemplate, PHONE_NUMBER_ID, startTestSandbox, WABA_ID } from '../../support/sandbox.ts';

const map = (entries: Record<string, string>) => Object.entries(entries).map(([schemaPropertyName, schemaPropertyValue]) => ({ schemaPropertyName, schemaPropertyValue }));
/** What the n8n node sends when its optional fields are left empty. */
const N8N_EMPTY = { imageUrl: '', videoUrl: '', documentUrl: '', filename: '', locationLatitude: 0, locationLongitude: 0 };

describe('Send Whatsapp Template Message For A Phone Number (API.md §8.1) against the sandbox', () => {
  let sandbox: RunningSandbox;
  let server: TestServer;
  let alpha: SeededTeam;
  let pluginId: string;
  let q: Kysely<any>;
  let orderTemplateId: string;
  const path = (phone: string, plugin = pluginId) => `/v1/ext/plugin/whatsapp/${encodeURIComponent(plugin)}/phoneNumber/${encodeURIComponent(phone)}/send-template-message`;
  const send = (phone: string, body: Record<string, unknown>) => client(server.url, alpha.tokens.user).post(path(phone), { whatsappPhoneNumberId: PHONE_NUMBER_ID, ...body });

  before(async () => {
    sandbox = await startTestSandbox();
    orderTemplateId = await createTemplate(sandbox, {
      name: 'order_update', language: 'en_US', category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Hi {{1}}, your order {{2}} ships today.', example: { body_text: [['John', '42']] } }],
    });
    await createTemplate(sandbox, {
      name: 'promo', language: 'en', category: 'MARKETING',
      components: [{ type: 'HEADER', format: 'IMAGE', example: { header_handle: ['https://cdn.example.com/h.png'] } }, { type: 'BODY', text: 'Sale today' }],
    });
    await createTemplate(sandbox, { name: 'promo', language: 'pt_BR', category: 'MARKETING', components: [{ type: 'BODY', text: 'Promoção hoje' }] });
    await createTemplate(sandbox, {
      name: 'visit_named', language: 'en', category: 'UTILITY', parameter_format: 'named',
      components: [
        { type: 'HEADER', format: 'LOCATION' },
        { type: 'BODY', text: 'Hi {{first_name}}, see you at {{time}}.', example: { body_text_named_params: [{ param_name: 'first_name', example: 'Asha' }, { param_name: 'time', example: '5 pm' }] } },
        { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Track', url: 'https://track.example.com/{{1}}', example: ['https://track.example.com/abc'] }, { type: 'COPY_CODE', text: 'Copy code', example: 'SAVE10' }] },
      ],
    });
    await createTemplate(sandbox, {
      name: 'invoice_doc', language: 'en', category: 'UTILITY',
      components: [{ type: 'HEADER', format: 'DOCUMENT', example: { header_handle: ['https://cdn.example.com/i.pdf'] } }, { type: 'BODY', text: 'Your invoice {{1}}', example: { body_text: [['7']] } }],
    });
    await createTemplate(sandbox, {
      name: 'login_otp', language: 'en_US', category: 'AUTHENTICATION',
      components: [{ type: 'BODY', text: '{{1}} is your verification code.', example: { body_text: [['123456']] } }, { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] }],
    });
    server = await startTestServer();
    q = server.runtime.db.kysely as unknown as Kysely<any>;
    alpha = await seedTeam(server.runtime, 'alpha');
    pluginId = (await applyPlugins(server.runtime, 'alpha', [{ wabaId: WABA_ID, phones: [PHONE_NUMBER_ID], graphApiUrl: sandbox.url }])).get(WABA_ID)!;
  });
  after(async () => {
    await server?.close();
    await sandbox?.close();
  });

  it('builds the components from mapping, sends the template and answers the stored chat message', async () => {
    const res = await send('+91 99012-58433', { templateName: 'order_update', mapping: map({ 1: 'John', 2: '42' }), ...N8N_EMPTY });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const message = res.body._data;
    assert.match(message.externalId, /^wamid\./);
    assert.equal(message.provider, 'whatsapp');
    assert.equal(message.dataType, 'template');
    assert.equal(message.direction, 'OUTBOUND');
    assert.equal(message.deliveryStatus, 'PENDING');
    assert.equal(message.text, 'Hi John, your order 42 ships today.');
    assert.deepEqual(message.body, { body: 'Hi John, your order 42 ships today.' });
    assert.deepEqual(message.context, { contactIdentifier: '919901258433', messageTemplateId: orderTemplateId });
    assert.equal(message.plugin, pluginId);
    assert.equal(message.team, alpha.teamId);
    const sent = sandbox.sent().find((m) => m.id === message.externalId);
    assert.deepEqual(sent?.message, {
      messaging_product: 'whatsapp', recipient_type: 'individual', to: '919901258433', type: 'template',
      template: { name: 'order_update', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'John' }, { type: 'text', text: '42' }] }] },
    });
    const row = await q.selectFrom('whatsapp_messages').selectAll().where('id', '=', message.id).executeTakeFirstOrThrow();
    assert.equal(row.external_id, message.externalId);
  });

  it("sends Meta's sample template every new WABA has, with nothing to fill", async () => {
    const res = await send('919901258433', { templateName: 'hello_world', ...N8N_EMPTY });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.match(res.body._data.text, /^Welcome and congratulations/);
  });

  it('sends a media header and an OTP code, and picks the language asked for', async () => {
    const promo = await send('919901258433', { templateName: 'promo', language: 'en', imageUrl: 'https://cdn.example.com/sale.png' });
    assert.equal(promo.status, 200, JSON.stringify(promo.body));
    const otp = await send('919901258433', { templateName: 'login_otp', otpCode: '496093' });
    assert.equal(otp.status, 200, JSON.stringify(otp.body));
    const sent = sandbox.sent().find((m) => m.id === otp.body._data.externalId);
    assert.deepEqual((sent?.message.template as any).components, [
      { type: 'body', parameters: [{ type: 'text', text: '496093' }] },
      { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '496093' }] },
    ]);
  });

  it('fills named parameters, a location header, URL and copy-code buttons, and a document header, as Meta checks them', async () => {
    const visit = await send('919901258433', {
      templateName: 'visit_named', mapping: map({ first_name: 'Asha', time: '5 pm' }), buttonMapping: map({ 0: 'order-17', 1: 'SAVE10' }),
      locationLatitude: '18.52', locationLongitude: 73.85, locationName: 'Office', locationAddress: 'Pune',
    });
    assert.equal(visit.status, 200, JSON.stringify(visit.body));
    assert.equal(visit.body._data.text, 'Hi Asha, see you at 5 pm.');
    const sent = sandbox.sent().find((m) => m.id === visit.body._data.externalId);
    assert.deepEqual((sent?.message.template as any).components, [
      { type: 'header', parameters: [{ type: 'location', location: { latitude: 18.52, longitude: 73.85, name: 'Office', address: 'Pune' } }] },
      { type: 'body', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'Asha' }, { type: 'text', parameter_name: 'time', text: '5 pm' }] },
      { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'order-17' }] },
      { type: 'button', sub_type: 'copy_code', index: '1', parameters: [{ type: 'coupon_code', coupon_code: 'SAVE10' }] },
    ]);
    const invoice = await send('919901258433', { templateName: 'invoice_doc', mapping: map({ 1: '7' }), documentUrl: 'https://cdn.example.com/7.pdf', filename: 'invoice-7.pdf', imageUrl: '', videoUrl: '' });
    assert.equal(invoice.status, 200, JSON.stringify(invoice.body));
  });

  it('names the problem in a 400 and sends nothing', async () => {
    const before = sandbox.sent().length;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ templateName: 'order_update', mapping: map({ 1: 'John' }) }, /no value for the body placeholder \{\{2\}\}/],
      [{ templateName: 'order_update', mapping: map({ 1: 'John', 2: '42', 3: 'extra' }) }, /has no body placeholder \{\{3\}\}/],
      [{ templateName: 'no_such_template' }, /no approved template named 'no_such_template'/],
      [{ templateName: 'order_update', language: 'de', mapping: map({ 1: 'a', 2: 'b' }) }, /is not approved in 'de'; it is in en_US/],
      [{ templateName: 'promo' }, /exists in en, pt_BR/],
      [{ templateName: 'promo', language: 'en' }, /imageUrl: template 'promo' has an image header; give its URL/],
      [{ templateName: 'order_update', whatsappPhoneNumberId: '888', mapping: map({ 1: 'a', 2: 'b' }) }, /whatsappPhoneNumberId: 888 is not one of this plugin's numbers/],
      [{ templateName: 'order_update', locationLatitude: 12 }, /give locationLatitude and locationLongitude together/],
      [{ templateName: 'order_update', surprise: true }, /surprise/],
      [{ mapping: [] }, /templateName/],
    ];
    for (const [body, message] of cases) {
      const res = await send('919901258433', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.body._errors.join(' | '), message);
    }
    for (const phone of ['12345', '+91 abc', '1'.repeat(16)]) {
      const res = await send(phone, { templateName: 'order_update', mapping: map({ 1: 'a', 2: 'b' }) });
      assert.equal(res.status, 400, phone);
      assert.match(res.body._errors[0], /phoneNumber: expected 8 to 15 digits/);
    }
    assert.equal(sandbox.sent().length, before);
  });

  it('sends to a process by primary key or id, to its phone, and links the message to it', async () => {
    const admin = client(server.url, alpha.tokens.admin);
    const created = await admin.post('/v1/ext/procedure/lead/process', { data: { first_name: 'Asha', phone_number: '+91 99000 11122' } });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const lead = created.body._data;
    const processPath = (key: string, token = alpha.tokens.admin) => client(server.url, token)
      .post(`/v1/ext/plugin/whatsapp/${pluginId}/process/lead/${encodeURIComponent(key)}/send-template-message`, { whatsappPhoneNumberId: PHONE_NUMBER_ID, templateName: 'order_update', mapping: map({ 1: 'Asha', 2: '7' }) });
    for (const key of [lead.data.lead_id, lead.id]) {
      const res = await processPath(key);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body._data.process, lead.id);
      assert.equal(res.body._data.procedure, lead.procedure);
      assert.equal(res.body._data.context.contactIdentifier, '919900011122');
      assert.equal(sandbox.sent().find((m) => m.id === res.body._data.externalId)?.waId, '919900011122');
    }
    const silent = (await admin.post('/v1/ext/procedure/lead/process', { data: { first_name: 'NoPhone' } })).body._data;
    const noPhone = await processPath(silent.id);
    assert.equal(noPhone.status, 400);
    assert.match(noPhone.body._errors[0], /has no phone number/);
    assert.equal((await processPath('LEAD-999999')).status, 404);
    // The USER key (john) sees only what is his or his reportees'.
    assert.equal((await processPath(lead.id, alpha.tokens.user)).status, 404);
  });
});
