import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertGraphError, OTHER_TOKEN, OTHER_WABA_ID, startHarness, TOKEN, USER, WABA_ID, type Harness } from './sandbox-fixture.ts';

const ORDER_TEMPLATE = {
  name: 'order_confirmation',
  language: 'en_US',
  category: 'UTILITY',
  components: [
    { type: 'HEADER', format: 'TEXT', text: 'Hi {{1}}', example: { header_text: ['Pablo'] } },
    { type: 'BODY', text: 'Order {{1}} ships on {{2}}.', example: { body_text: [['123', 'Monday']] } },
    { type: 'FOOTER', text: 'Thanks' },
    { type: 'BUTTONS', buttons: [
      { type: 'URL', text: 'Track', url: 'https://example.com/track/{{1}}', example: ['https://example.com/track/1'] },
      { type: 'QUICK_REPLY', text: 'Stop' },
    ] },
  ],
};

const NAMED_TEMPLATE = {
  name: 'named_greeting', language: 'en', category: 'marketing', parameter_format: 'named',
  components: [{ type: 'body', text: 'Hi {{first_name}}, your code is {{order_number}}.' }],
};

describe('sandbox: message templates', () => {
  let h: Harness;
  const templatesPath = `/v21.0/${WABA_ID}/message_templates`;
  const create = (body: unknown, token = TOKEN) => h.graph('POST', templatesPath, { body, token });
  const sendTemplate = (template: Record<string, unknown>) => h.send({ to: USER, type: 'template', template });

  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());
  beforeEach(async () => {
    await h.control('POST', '/_sandbox/reset');
    h.receiver.clear();
  });

  it('creates a template, approves it at once by default and announces it with a status webhook', async () => {
    const r = await create(ORDER_TEMPLATE);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.match(r.body.id, /^\d{15}$/);
    assert.equal(r.body.status, 'APPROVED');
    assert.equal(r.body.category, 'UTILITY');
    const [webhook] = await h.receiver.waitFor(1);
    const entry = webhook.body.entry[0];
    assert.equal(entry.id, WABA_ID);
    assert.equal(typeof entry.time, 'number');
    assert.equal(entry.changes[0].field, 'message_template_status_update');
    assert.deepEqual(entry.changes[0].value, {
      event: 'APPROVED', message_template_id: Number(r.body.id), message_template_name: 'order_confirmation',
      message_template_language: 'en_US', reason: null, message_template_category: 'UTILITY',
    });
  });

  it('keeps a template PENDING for the configured delay, and only then lets it be sent', async () => {
    await h.control('PATCH', '/_sandbox/settings', { templateApprovalDelayMs: 60_000 });
    const created = await create(NAMED_TEMPLATE);
    assert.equal(created.body.status, 'PENDING');
    const pendingSend = await sendTemplate({ name: 'named_greeting', language: { code: 'en' } });
    assertGraphError(pendingSend, 404, 132001);
    assert.match(pendingSend.body.error.error_data.details, /named_greeting.*en/);
    await h.advance(59_000);
    assert.equal((await h.graph('GET', `/v21.0/${created.body.id}?fields=status`)).body.status, 'PENDING');
    await h.advance(1_000);
    assert.deepEqual((await h.graph('GET', `/v21.0/${created.body.id}?fields=status`)).body, { status: 'APPROVED', id: created.body.id });
    const [webhook] = await h.receiver.waitFor(1);
    assert.equal(webhook.body.entry[0].changes[0].value.event, 'APPROVED');
    const sent = await sendTemplate({ name: 'named_greeting', language: { code: 'en' }, components: [{ type: 'body', parameters: [
      { type: 'text', parameter_name: 'order_number', text: 'SKU-1' }, { type: 'text', parameter_name: 'first_name', text: 'Jessica' }] }] });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    assert.equal(sent.body.messages[0].message_status, 'accepted');
  });

  it('rejects names on the reject list, with a REJECTED webhook and reason', async () => {
    await h.control('PATCH', '/_sandbox/settings', { rejectTemplateNames: ['bad_promo'] });
    const r = await create({ ...NAMED_TEMPLATE, name: 'bad_promo' });
    assert.equal(r.body.status, 'REJECTED');
    const read = await h.graph('GET', `/v21.0/${r.body.id}`);
    assert.equal(read.body.status, 'REJECTED');
    assert.equal(read.body.rejected_reason, 'INVALID_FORMAT');
    const [webhook] = await h.receiver.waitFor(1);
    assert.equal(webhook.body.entry[0].changes[0].value.event, 'REJECTED');
    assert.equal(webhook.body.entry[0].changes[0].value.reason, 'INVALID_FORMAT');
    assertGraphError(await sendTemplate({ name: 'bad_promo', language: { code: 'en' } }), 404, 132001);
  });

  it('refuses invalid templates with code 100', async () => {
    const bad: unknown[] = [
      { ...ORDER_TEMPLATE, name: 'Has Spaces' },
      { ...ORDER_TEMPLATE, category: 'GOSSIP' },
      { ...ORDER_TEMPLATE, language: undefined },
      { ...ORDER_TEMPLATE, components: [{ type: 'FOOTER', text: 'only a footer' }] },
      { ...ORDER_TEMPLATE, components: [{ type: 'BODY', text: 'Skips {{1}} and {{3}}' }] },
      { ...NAMED_TEMPLATE, components: [{ type: 'BODY', text: 'Positional {{1}} in a named template' }] },
      { ...ORDER_TEMPLATE, components: [{ type: 'BODY', text: 'x' }, { type: 'HEADER', format: 'GIF' }] },
    ];
    for (const body of bad) assertGraphError(await create(body), 400, 100);
    assert.equal((await create(ORDER_TEMPLATE)).status, 200);
    const duplicate = await create(ORDER_TEMPLATE);
    assertGraphError(duplicate, 400, 100);
    assert.equal((await create({ ...ORDER_TEMPLATE, language: 'es' })).status, 200, 'the same name in another language is a new template');
  });

  it('lists templates in cursor-paged pages whose next/previous links carry the access token', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await create({ ...NAMED_TEMPLATE, name: `t_${i}` })).body.id);
    const first = await h.graph('GET', `${templatesPath}?limit=2&fields=name,status`);
    assert.equal(first.status, 200);
    assert.deepEqual(first.body.data, [{ name: 't_0', status: 'APPROVED', id: ids[0] }, { name: 't_1', status: 'APPROVED', id: ids[1] }]);
    assert.equal(typeof first.body.paging.cursors.before, 'string');
    assert.equal(typeof first.body.paging.cursors.after, 'string');
    assert.equal(first.body.paging.previous, undefined);
    const next = new URL(first.body.paging.next);
    assert.equal(next.origin, h.sandbox.url);
    assert.equal(next.pathname, templatesPath);
    assert.equal(next.searchParams.get('access_token'), TOKEN);
    assert.equal(next.searchParams.get('limit'), '2');
    assert.equal(next.searchParams.get('fields'), 'name,status');
    // Followed verbatim, without an Authorization header, as Graph clients do.
    const second = await fetch(first.body.paging.next).then((r) => r.json() as Promise<any>);
    assert.deepEqual(second.data.map((t: any) => t.name), ['t_2', 't_3']);
    assert.ok(second.paging.previous);
    const third = await fetch(second.paging.next).then((r) => r.json() as Promise<any>);
    assert.deepEqual(third.data.map((t: any) => t.name), ['t_4']);
    assert.equal(third.paging.next, undefined);
    const back = await fetch(third.paging.previous).then((r) => r.json() as Promise<any>);
    assert.deepEqual(back.data.map((t: any) => t.name), ['t_2', 't_3']);
    const all = await h.graph('GET', templatesPath);
    assert.equal(all.body.data.length, 5);
    assert.equal(all.body.paging.next, undefined);
    assert.deepEqual(Object.keys(all.body.data[0]), ['name', 'parameter_format', 'components', 'language', 'status', 'category', 'id']);
    assertGraphError(await h.graph('GET', `${templatesPath}?after=bogus`), 400, 100);
  });

  it('filters lists by name, status, category and language', async () => {
    await create(ORDER_TEMPLATE);
    await create(NAMED_TEMPLATE);
    await h.control('PATCH', '/_sandbox/settings', { rejectTemplateNames: ['nope'] });
    await create({ ...NAMED_TEMPLATE, name: 'nope' });
    const names = async (query: string) => (await h.graph('GET', `${templatesPath}?${query}`)).body.data.map((t: any) => t.name);
    assert.deepEqual(await names('status=REJECTED'), ['nope']);
    assert.deepEqual(await names('category=UTILITY'), ['order_confirmation']);
    assert.deepEqual(await names('language=en'), ['named_greeting', 'nope']);
    assert.deepEqual(await names('name=order'), ['order_confirmation']);
    const empty = await h.graph('GET', `${templatesPath}?name=zzz`);
    assert.deepEqual(empty.body, { data: [] });
  });

  it('reads and edits a template by id; another account\'s template does not exist for this token', async () => {
    const { body: created } = await create(ORDER_TEMPLATE);
    const read = await h.graph('GET', `/v21.0/${created.id}`);
    assert.equal(read.body.name, 'order_confirmation');
    assert.equal(read.body.components[0].type, 'HEADER');
    assert.equal(read.body.parameter_format, 'POSITIONAL');
    const edit = await h.graph('POST', `/v21.0/${created.id}`, { body: { components: [{ type: 'BODY', text: 'Now just {{1}}' }] } });
    assert.deepEqual(edit.body, { success: true });
    assert.deepEqual((await h.graph('GET', `/v21.0/${created.id}?fields=components`)).body.components, [{ type: 'BODY', text: 'Now just {{1}}' }]);
    assertGraphError(await h.graph('POST', `/v21.0/${created.id}`, { body: { category: 'MARKETING' } }), 400, 100);
    assertGraphError(await h.graph('GET', `/v21.0/${created.id}`, { token: OTHER_TOKEN }), 400, 100);
    assertGraphError(await h.graph('GET', `/v21.0/${OTHER_WABA_ID}/message_templates`), 400, 100);
    assertGraphError(await h.graph('GET', '/v21.0/123456789012345'), 400, 100);
  });

  it('deletes by name (every language) or by name and hsm_id', async () => {
    const en = await create(ORDER_TEMPLATE);
    await create({ ...ORDER_TEMPLATE, language: 'es' });
    await create(NAMED_TEMPLATE);
    const one = await h.graph('DELETE', `${templatesPath}?name=order_confirmation&hsm_id=${en.body.id}`);
    assert.deepEqual(one.body, { success: true });
    assert.deepEqual((await h.graph('GET', templatesPath)).body.data.map((t: any) => `${t.name}/${t.language}`), ['order_confirmation/es', 'named_greeting/en']);
    await h.graph('DELETE', `${templatesPath}?name=order_confirmation`);
    assert.deepEqual((await h.graph('GET', templatesPath)).body.data.map((t: any) => t.name), ['named_greeting']);
    assertGraphError(await h.graph('DELETE', `${templatesPath}?name=order_confirmation`), 400, 100);
    assertGraphError(await h.graph('DELETE', templatesPath), 400, 100);
  });

  it('an injected status change moves the template and sends its webhook', async () => {
    const { body: created } = await create(ORDER_TEMPLATE);
    await h.receiver.waitFor(1);
    const r = await h.control('POST', '/_sandbox/template-status', { templateId: created.id, event: 'PAUSED', reason: 'LOW_QUALITY' });
    assert.deepEqual(r.body, { id: created.id, status: 'PAUSED' });
    const webhooks = await h.receiver.waitFor(2);
    assert.equal(webhooks[1].body.entry[0].changes[0].value.event, 'PAUSED');
    assertGraphError(await sendTemplate({ name: 'order_confirmation', language: { code: 'en_US' } }), 404, 132001);
    assert.equal((await h.control('POST', '/_sandbox/template-status', { templateId: created.id, event: 'NOPE' })).status, 400);
  });
});
