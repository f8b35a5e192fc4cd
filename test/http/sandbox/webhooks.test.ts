import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { APP_SECRET, DISPLAY_NUMBER, hmacHex, PHONE_ID, startHarness, until, USER, WABA_ID, type Harness } from './sandbox-fixture.ts';

describe('sandbox: status webhooks, signatures and retries', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());
  beforeEach(async () => {
    await h.control('POST', '/_sandbox/reset');
    h.receiver.clear();
    await h.userWrites();
    await h.receiver.waitFor(1);
    h.receiver.clear();
  });

  const sendText = async (to = USER, extra: Record<string, unknown> = {}) => {
    const r = await h.send({ to, type: 'text', text: { body: 'hi' }, ...extra });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.messages[0].id as string;
  };
  /** Moves time on by `ms` and waits for the webhooks that fall due. */
  const step = async (ms: number, expectedTotal: number) => {
    await h.advance(ms);
    return h.receiver.waitFor(expectedTotal);
  };

  it('sends sent → delivered → read, shaped like Meta\'s, with pricing and conversation', async () => {
    const id = await sendText(USER, { biz_opaque_callback_data: 'process-42' });
    const [sent] = await step(100, 1);
    assert.deepEqual(Object.keys(sent.body), ['object', 'entry']);
    assert.equal(sent.body.object, 'whatsapp_business_account');
    assert.equal(sent.body.entry[0].id, WABA_ID);
    assert.equal(sent.body.entry[0].changes[0].field, 'messages');
    const value = sent.body.entry[0].changes[0].value;
    assert.equal(value.messaging_product, 'whatsapp');
    assert.deepEqual(value.metadata, { display_phone_number: DISPLAY_NUMBER, phone_number_id: PHONE_ID });
    const status = value.statuses[0];
    assert.equal(status.id, id);
    assert.equal(status.status, 'sent');
    assert.match(status.timestamp, /^\d{10}$/);
    assert.equal(status.recipient_id, USER);
    assert.equal(status.biz_opaque_callback_data, 'process-42');
    assert.deepEqual(status.pricing, { billable: false, pricing_model: 'PMP', category: 'service', type: 'free_customer_service' });
    assert.match(status.conversation.id, /^[0-9a-f]{32}$/);
    assert.match(status.conversation.expiration_timestamp, /^\d+$/);
    assert.deepEqual(status.conversation.origin, { type: 'service' });

    const [, delivered] = await step(200, 2);
    const deliveredStatus = delivered.body.entry[0].changes[0].value.statuses[0];
    assert.equal(deliveredStatus.status, 'delivered');
    assert.equal(deliveredStatus.conversation.id, status.conversation.id);
    assert.equal(deliveredStatus.conversation.expiration_timestamp, undefined);
    assert.ok(deliveredStatus.pricing);
    const [, , read] = await step(300, 3);
    const readStatus = read.body.entry[0].changes[0].value.statuses[0];
    assert.equal(readStatus.status, 'read');
    assert.equal(readStatus.pricing, undefined, 'pricing comes on sent and one of delivered/read only');
    assert.equal(h.sandbox.sent()[0].status, 'read');
  });

  it('signs the exact bytes with the app secret and escapes non-ASCII as \\uXXXX, as Meta does', async () => {
    await h.control('POST', '/_sandbox/inbound', { phoneNumberId: PHONE_ID, from: USER, name: 'Lucía Gómez', type: 'text', text: { body: 'café 😀 https://example.com/a' } });
    const [webhook] = await h.receiver.waitFor(1);
    const rawText = webhook.raw.toString('latin1');
    assert.ok(/^[\x20-\x7e]*$/.test(rawText), 'the body is pure ASCII');
    assert.ok(rawText.includes('Luc\\u00eda G\\u00f3mez'), rawText);
    assert.ok(rawText.includes('caf\\u00e9 \\ud83d\\ude00'), rawText);
    assert.ok(rawText.includes('https:\\/\\/example.com\\/a'), rawText);
    assert.equal(webhook.headers['x-hub-signature-256'], `sha256=${hmacHex(APP_SECRET, webhook.raw)}`);
    assert.equal(webhook.headers['content-type'], 'application/json');
    assert.equal(webhook.body.entry[0].changes[0].value.contacts[0].profile.name, 'Lucía Gómez');
    assert.equal(webhook.body.entry[0].changes[0].value.messages[0].text.body, 'café 😀 https://example.com/a');
    const reserialized = Buffer.from(JSON.stringify(webhook.body));
    assert.notEqual(hmacHex(APP_SECRET, reserialized), hmacHex(APP_SECRET, webhook.raw), 're-serialising would break the signature');
  });

  /** Waits until the sandbox has handled the receiver's answer: a retry is scheduled, or it gave up. */
  const retryScheduledOrDone = (finishedBefore: number) => until(() => h.time.pending() > 0 || h.sandbox.webhooks().length > finishedBefore);

  it('retries a webhook answered with a non-2xx status after the configured waits', async () => {
    await h.control('PATCH', '/_sandbox/settings', { statusEvents: { dropDelivered: true, skipRead: true } });
    h.receiver.statuses = [500, 503];
    const finished = h.sandbox.webhooks().length;
    await sendText();
    await h.advance(100);
    await until(() => h.receiver.attempts === 1);
    await retryScheduledOrDone(finished);
    await h.advance(499);
    assert.equal(h.receiver.attempts, 1, 'no retry before the first wait is over');
    await h.advance(1);
    await until(() => h.receiver.attempts === 2);
    await retryScheduledOrDone(finished);
    await h.advance(2_000);
    const [delivered] = await h.receiver.waitFor(1);
    assert.equal(h.receiver.attempts, 3);
    assert.equal(delivered.body.entry[0].changes[0].value.statuses[0].status, 'sent');
    await until(() => h.sandbox.webhooks().length === finished + 1);
    const record = (await h.control('GET', '/_sandbox/webhooks')).body.data.at(-1);
    assert.equal(record.attempts, 3);
    assert.equal(record.delivered, true);
    assert.equal(record.lastStatus, 200);
  });

  it('gives a webhook up after the last retry', async () => {
    await h.control('PATCH', '/_sandbox/settings', { webhookRetryDelaysMs: [10, 20], statusEvents: { dropDelivered: true, skipRead: true } });
    h.receiver.statuses = [500, 500, 500, 500];
    const finished = h.sandbox.webhooks().length;
    await sendText();
    for (const [ms, attempts] of [[100, 1], [10, 2], [20, 3]]) {
      await h.advance(ms);
      await until(() => h.receiver.attempts === attempts);
      await retryScheduledOrDone(finished);
    }
    await until(() => h.sandbox.webhooks().length === finished + 1);
    assert.equal(h.receiver.attempts, 3);
    assert.deepEqual(h.sandbox.webhooks().slice(finished).map((w) => [w.attempts, w.delivered, w.lastStatus]), [[3, false, 500]]);
    assert.equal(h.receiver.received.length, 0);
  });

  it('can drop delivered, duplicate events, reorder them or stop before read', async () => {
    const statusesFor = async (settings: Record<string, boolean>, expected: number) => {
      await h.control('PATCH', '/_sandbox/settings', { statusEvents: { dropDelivered: false, duplicate: false, reorder: false, skipRead: false, ...settings } });
      h.receiver.clear();
      const id = await sendText();
      await h.advance(100);
      await h.advance(200);
      await h.advance(301);
      await until(() => h.receiver.statusEvents().filter((s) => s.id === id).length >= expected);
      return h.receiver.statusEvents().filter((s) => s.id === id);
    };
    const dropped = await statusesFor({ dropDelivered: true }, 2);
    assert.deepEqual(dropped.map((s) => s.status), ['sent', 'read']);
    assert.ok(dropped[1].pricing, 'read carries the pricing when delivered is skipped');
    assert.deepEqual((await statusesFor({ duplicate: true }, 6)).map((s) => s.status).sort(), ['delivered', 'delivered', 'read', 'read', 'sent', 'sent']);
    assert.deepEqual((await statusesFor({ reorder: true }, 3)).map((s) => s.status), ['sent', 'read', 'delivered']);
    assert.deepEqual((await statusesFor({ skipRead: true }, 2)).map((s) => s.status), ['sent', 'delivered']);
  });

  it('omits the conversation object for webhook versions from v24.0', async () => {
    const { account } = await import('./sandbox-fixture.ts');
    h.sandbox.registerAccount({ ...account(h.receiver.url), webhookVersion: 'v24.0' });
    await sendText();
    const [sent] = await step(100, 1);
    const status = sent.body.entry[0].changes[0].value.statuses[0];
    assert.equal(status.conversation, undefined);
    assert.ok(status.pricing);
    h.sandbox.registerAccount(account(h.receiver.url));
  });
});

describe('sandbox: the customer-service window and magic recipients', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());
  beforeEach(async () => {
    await h.control('POST', '/_sandbox/reset');
    h.receiver.clear();
  });

  const failedStatusOf = async (id: string) => {
    await h.advance(100);
    await until(() => h.receiver.statusEvents().some((s) => s.id === id));
    return h.receiver.statusEvents().filter((s) => s.id === id);
  };

  it('accepts a free-form message outside the window, then fails it with 131047', async () => {
    const r = await h.send({ to: USER, type: 'text', text: { body: 'hello?' } });
    assert.equal(r.status, 200);
    const [failed] = await failedStatusOf(r.body.messages[0].id);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.pricing, undefined);
    assert.equal(failed.errors[0].code, 131047);
    assert.equal(failed.errors[0].title, 'Re-engagement message');
    assert.match(failed.errors[0].error_data.details, /24 hours/);
    await h.advance(10_000);
    assert.equal(h.receiver.statusEvents().length, 1, 'nothing follows a failure');
    assert.deepEqual(h.sandbox.sent()[0].error, { code: 131047, title: 'Re-engagement message' });
  });

  it('an inbound message opens the window for 24 hours', async () => {
    await h.userWrites();
    const inside = await h.send({ to: USER, type: 'text', text: { body: 'hi' } });
    assert.equal((await failedStatusOf(inside.body.messages[0].id))[0].status, 'sent');
    await h.advance(24 * 60 * 60_000);
    const late = await h.send({ to: USER, type: 'text', text: { body: 'still there?' } });
    assert.equal((await failedStatusOf(late.body.messages[0].id))[0].errors[0].code, 131047);
  });

  it('a number ending in 131026 is undeliverable; one ending in 131047 is always outside the window', async () => {
    await h.userWrites('15550131026');
    await h.userWrites('15550131047');
    const undeliverable = await h.send({ to: '15550131026', type: 'text', text: { body: 'x' } });
    assert.equal(undeliverable.status, 200);
    assert.equal((await failedStatusOf(undeliverable.body.messages[0].id))[0].errors[0].code, 131026);
    const outside = await h.send({ to: '15550131047', type: 'text', text: { body: 'x' } });
    assert.equal((await failedStatusOf(outside.body.messages[0].id))[0].errors[0].code, 131047);
  });
});
