import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertGraphError, DISPLAY_NUMBER, OTHER_PHONE_ID, PHONE_ID, startHarness, USER, WABA_ID, type Harness } from './sandbox-fixture.ts';

const OFFER = { sdp_type: 'offer', sdp: 'v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\n' };
const ANSWER = { sdp_type: 'answer', sdp: 'v=0\r\no=- 2 2 IN IP4 10.0.0.1\r\n' };

describe('sandbox: calling', () => {
  let h: Harness;
  const calls = (body: Record<string, unknown>) => h.graph('POST', `/v21.0/${PHONE_ID}/calls`, { body: { messaging_product: 'whatsapp', ...body } });
  const callEvents = () => h.receiver.received.filter((w) => w.body.entry[0].changes[0].field === 'calls').map((w) => w.body.entry[0].changes[0].value);

  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());
  beforeEach(async () => {
    await h.control('POST', '/_sandbox/reset');
    h.receiver.clear();
  });

  it('reads and updates the calling settings', async () => {
    const initial = await h.graph('GET', `/v21.0/${PHONE_ID}/settings`);
    assert.equal(initial.status, 200);
    assert.equal(initial.body.calling.status, 'ENABLED');
    const update = await h.graph('POST', `/v21.0/${PHONE_ID}/settings`, { body: { calling: { status: 'DISABLED', callback_permission_status: 'DISABLED' } } });
    assert.deepEqual(update.body, { success: true });
    const read = await h.graph('GET', `/v21.0/${PHONE_ID}/settings`);
    assert.equal(read.body.calling.status, 'DISABLED');
    assert.equal(read.body.calling.callback_permission_status, 'DISABLED');
    assert.equal(read.body.calling.call_icon_visibility, 'DEFAULT');
    assertGraphError(await h.graph('POST', `/v21.0/${PHONE_ID}/settings`, { body: { calling: { status: 'MAYBE' } } }), 400, 131009);
    assertGraphError(await h.graph('POST', `/v21.0/${PHONE_ID}/settings`, { body: {} }), 400, 131008);
    assertGraphError(await h.graph('GET', `/v21.0/${OTHER_PHONE_ID}/settings`), 400, 100);
  });

  it('reports the call permission of a user, which the control API can grant', async () => {
    const none = await h.graph('GET', `/v21.0/${PHONE_ID}/call_permissions?user_wa_id=${USER}`);
    assert.equal(none.status, 200);
    assert.equal(none.body.messaging_product, 'whatsapp');
    assert.deepEqual(none.body.permission, { status: 'no_permission' });
    assert.equal(none.body.actions.find((a: any) => a.action_name === 'start_call').can_perform_action, false);
    await h.control('POST', '/_sandbox/call-permissions', { phoneNumberId: PHONE_ID, userWaId: USER, status: 'temporary' });
    const granted = await h.graph('GET', `/v21.0/${PHONE_ID}/call_permissions?user_wa_id=${USER}`);
    assert.equal(granted.body.permission.status, 'temporary');
    assert.equal(typeof granted.body.permission.expiration_time, 'number');
    assert.equal(granted.body.actions.find((a: any) => a.action_name === 'start_call').can_perform_action, true);
    await h.advance(7 * 24 * 60 * 60_000);
    assert.equal((await h.graph('GET', `/v21.0/${PHONE_ID}/call_permissions?user_wa_id=${USER}`)).body.permission.status, 'no_permission', 'temporary permissions last 7 days');
    assertGraphError(await h.graph('GET', `/v21.0/${PHONE_ID}/call_permissions`), 400, 100);
  });

  it('starts a business call (connect webhook with the SDP answer) and ends it (terminate webhook)', async () => {
    assertGraphError(await calls({ to: USER, action: 'connect', session: OFFER }), 400, 138006);
    await h.control('POST', '/_sandbox/call-permissions', { phoneNumberId: PHONE_ID, userWaId: USER, status: 'permanent' });
    const connect = await calls({ to: USER, action: 'connect', session: OFFER, biz_opaque_callback_data: 'call-7' });
    assert.equal(connect.status, 200, JSON.stringify(connect.body));
    assert.equal(connect.body.messaging_product, 'whatsapp');
    const callId = connect.body.calls[0].id;
    assert.match(callId, /^wacid\./);
    await h.advance(100);
    await h.receiver.waitFor(1);
    const [connected] = callEvents();
    assert.deepEqual(connected.metadata, { display_phone_number: DISPLAY_NUMBER, phone_number_id: PHONE_ID });
    const event = connected.calls[0];
    assert.equal(event.id, callId);
    assert.equal(event.event, 'connect');
    assert.equal(event.direction, 'BUSINESS_INITIATED');
    assert.equal(event.from, DISPLAY_NUMBER);
    assert.equal(event.to, USER);
    assert.equal(event.session.sdp_type, 'answer');
    assert.equal(h.receiver.received[0].body.entry[0].id, WABA_ID);
    await h.advance(200);
    await h.receiver.waitFor(2);
    await h.advance(300);
    await h.receiver.waitFor(3);
    assert.deepEqual(callEvents().slice(1).map((v) => [v.statuses[0].type, v.statuses[0].status, v.statuses[0].recipient_id]), [
      ['call', 'RINGING', USER], ['call', 'ACCEPTED', USER],
    ]);

    await h.advance(30_000);
    const terminate = await calls({ call_id: callId, action: 'terminate' });
    assert.equal(terminate.body.success, true);
    await h.receiver.waitFor(4);
    const ended = callEvents()[3].calls[0];
    assert.equal(ended.event, 'terminate');
    assert.equal(ended.status, 'COMPLETED');
    assert.equal(ended.duration, 30);
    assert.equal(ended.biz_opaque_callback_data, 'call-7');
    assertGraphError(await calls({ call_id: callId, action: 'terminate' }), 400, 100);
  });

  it('a user\'s call: connect webhook with an offer, then pre_accept, accept and terminate', async () => {
    const injected = await h.control('POST', '/_sandbox/calls', { phoneNumberId: PHONE_ID, from: USER, name: 'Lucía', event: 'connect' });
    assert.equal(injected.status, 200);
    const callId = injected.body.id;
    await h.receiver.waitFor(1);
    const offer = callEvents()[0];
    assert.deepEqual(offer.contacts, [{ profile: { name: 'Lucía' }, wa_id: USER }]);
    assert.equal(offer.calls[0].direction, 'USER_INITIATED');
    assert.equal(offer.calls[0].session.sdp_type, 'offer');
    assert.equal(offer.calls[0].from, USER);
    assert.deepEqual((await calls({ call_id: callId, action: 'pre_accept', session: ANSWER })).body.success, true);
    assert.deepEqual((await calls({ call_id: callId, action: 'accept', session: ANSWER })).body.success, true);
    assertGraphError(await calls({ call_id: callId, action: 'accept', session: OFFER }), 400, 131009);
    await h.advance(90_000);
    assert.equal((await calls({ call_id: callId, action: 'terminate' })).body.success, true);
    await h.receiver.waitFor(2);
    const ended = callEvents()[1].calls[0];
    assert.equal(ended.status, 'COMPLETED');
    assert.equal(ended.duration, 90);
    const permission = await h.graph('GET', `/v21.0/${PHONE_ID}/call_permissions?user_wa_id=${USER}`);
    assert.equal(permission.body.permission.status, 'temporary', 'calling the business grants callback permission');
    const reply = await h.send({ to: USER, type: 'text', text: { body: 'sorry we missed you' } });
    assert.equal(reply.status, 200, 'a call opens the customer-service window too');
  });

  it('rejecting a user\'s call or the user hanging up before an answer ends it as FAILED', async () => {
    const first = (await h.control('POST', '/_sandbox/calls', { phoneNumberId: PHONE_ID, from: USER, event: 'connect' })).body.id;
    assert.equal((await calls({ call_id: first, action: 'reject' })).body.success, true);
    const second = (await h.control('POST', '/_sandbox/calls', { phoneNumberId: PHONE_ID, from: USER, event: 'connect' })).body.id;
    assert.equal((await h.control('POST', '/_sandbox/calls', { phoneNumberId: PHONE_ID, event: 'terminate', callId: second })).status, 200);
    await h.receiver.waitFor(4);
    const terminations = callEvents().filter((v) => v.calls[0].event === 'terminate').map((v) => [v.calls[0].id, v.calls[0].status]);
    assert.deepEqual(terminations.sort(), [[first, 'FAILED'], [second, 'FAILED']].sort());
  });

  it('refuses unknown call ids, bad actions and calls while calling is disabled', async () => {
    assertGraphError(await calls({ call_id: 'wacid.nope', action: 'terminate' }), 400, 100);
    assertGraphError(await calls({ action: 'dial', to: USER }), 400, 131009);
    assertGraphError(await calls({ action: 'connect', to: USER }), 400, 131008);
    assertGraphError(await calls({ action: 'terminate' }), 400, 131008);
    await h.control('POST', '/_sandbox/call-permissions', { phoneNumberId: PHONE_ID, userWaId: USER });
    await h.graph('POST', `/v21.0/${PHONE_ID}/settings`, { body: { calling: { status: 'DISABLED' } } });
    assertGraphError(await calls({ to: USER, action: 'connect', session: OFFER }), 400, 138000);
    const bizCall = await (async () => {
      await h.graph('POST', `/v21.0/${PHONE_ID}/settings`, { body: { calling: { status: 'ENABLED' } } });
      return (await calls({ to: USER, action: 'connect', session: OFFER })).body.calls[0].id;
    })();
    assertGraphError(await calls({ call_id: bizCall, action: 'accept', session: ANSWER }), 400, 131009);
  });
});
