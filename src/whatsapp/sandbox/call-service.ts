/**
 * Calls: the business starts one (`connect`, with the user's permission), answers a user's
 * call (`pre_accept`, `accept`, `reject`) or ends one (`terminate`); users' calls come in
 * through the control API. Each step that Meta reports is sent as a `calls` webhook.
 */
import type { PhoneOwner } from './account-registry.ts';
import type { CallRecord } from './call-store.ts';
import { GraphError, invalidParameter, missingParameter } from './graph-errors.ts';
import type { SandboxCore } from './sandbox-core.ts';
import { newCallId } from './sandbox-ids.ts';
import { phoneValue, unixSeconds, webhookEnvelope } from './webhook-body.ts';

type Obj = Record<string, unknown>;

const ACTIONS = ['connect', 'pre_accept', 'accept', 'reject', 'terminate'];
/** Stands in for the SDP a real WhatsApp client would negotiate. */
const SANDBOX_SDP = 'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=sandbox\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n';

export function handleCallAction(core: SandboxCore, owner: PhoneOwner, body: Obj): Obj {
  if (body.messaging_product !== 'whatsapp') throw missingParameter('messaging_product');
  const action = body.action;
  if (typeof action !== 'string' || !ACTIONS.includes(action)) throw invalidParameter(`action must be one of ${ACTIONS.join(', ')}.`);
  if (action === 'connect') return startBusinessCall(core, owner, body);
  if (typeof body.call_id !== 'string') throw missingParameter('call_id');
  const call = core.calls.live(owner.phone.id, body.call_id);
  if (!call) throw new GraphError(100, `Invalid call id ${body.call_id}: no such call in progress on this phone number.`);
  if (action === 'terminate') {
    endCall(core, owner, call);
  } else if (call.direction !== 'USER_INITIATED') {
    throw invalidParameter(`${action} answers a call the user placed; ${call.id} was placed by the business.`);
  } else if (action === 'reject') {
    endCall(core, owner, call);
  } else {
    checkSession(body.session, 'answer');
    call.state = action === 'accept' ? 'accepted' : 'pre_accepted';
    if (action === 'accept') call.acceptedAt = core.clock();
  }
  return { messaging_product: 'whatsapp', success: true };
}

function startBusinessCall(core: SandboxCore, owner: PhoneOwner, body: Obj): Obj {
  const to = body.to ?? body.recipient;
  if (typeof to !== 'string' || to === '') throw missingParameter('to');
  const waId = to.replace(/[\s()+-]/g, '');
  checkSession(body.session, 'offer');
  if (core.calls.settingsOf(owner.phone.id).status !== 'ENABLED') {
    throw new GraphError(138000, 'Calling is not enabled on this phone number; enable it through POST /settings.');
  }
  if (core.calls.permissionOf(owner.phone.id, waId, core.clock()).status === 'no_permission') {
    throw new GraphError(138006, `User ${waId} has not given this business permission to call them.`);
  }
  const call: CallRecord = {
    id: newCallId(waId), phoneNumberId: owner.phone.id, userWaId: waId, direction: 'BUSINESS_INITIATED',
    startedAt: core.clock(), state: 'ringing',
    ...(typeof body.biz_opaque_callback_data === 'string' ? { bizOpaqueCallbackData: body.biz_opaque_callback_data } : {}),
  };
  core.calls.add(call);
  scheduleUserPickingUp(core, owner, call);
  return { messaging_product: 'whatsapp', calls: [{ id: call.id }] };
}

/**
 * The user's phone answers with its SDP (connect webhook), rings, and the user picks up: the
 * status delays of messages pace these steps too.
 */
function scheduleUserPickingUp(core: SandboxCore, owner: PhoneOwner, call: CallRecord): void {
  const { sentMs, deliveredMs, readMs } = core.settings.statusDelays;
  const whileLive = (step: () => void) => () => {
    if (call.state !== 'ended') step();
  };
  core.scheduler.schedule(whileLive(() => {
    sendCallWebhook(core, owner, call, { event: 'connect', session: { sdp_type: 'answer', sdp: SANDBOX_SDP } });
  }), sentMs);
  core.scheduler.schedule(whileLive(() => sendCallStatus(core, owner, call, 'RINGING')), deliveredMs);
  core.scheduler.schedule(whileLive(() => {
    call.state = 'accepted';
    call.acceptedAt = core.clock();
    sendCallStatus(core, owner, call, 'ACCEPTED');
  }), readMs);
}

function sendCallStatus(core: SandboxCore, owner: PhoneOwner, call: CallRecord, status: 'RINGING' | 'ACCEPTED'): void {
  const statusObject: Obj = {
    id: call.id, timestamp: unixSeconds(core.clock()), type: 'call', status, recipient_id: call.userWaId,
    ...(call.bizOpaqueCallbackData ? { biz_opaque_callback_data: call.bizOpaqueCallbackData } : {}),
  };
  const value = phoneValue(owner.phone, { statuses: [statusObject] });
  core.webhooks.send(owner.account, webhookEnvelope(owner.account.wabaId, 'calls', value));
}

function checkSession(session: unknown, sdpType: 'offer' | 'answer'): void {
  const s = session as Obj | undefined;
  if (typeof s !== 'object' || s === null) throw missingParameter('session');
  if (s.sdp_type !== sdpType) throw invalidParameter(`session.sdp_type must be "${sdpType}".`);
  if (typeof s.sdp !== 'string' || s.sdp === '') throw missingParameter('session.sdp');
}

/** A user calls the business (control API): Meta's connect webhook with the user's SDP offer. */
export function startUserCall(core: SandboxCore, owner: PhoneOwner, from: string, name: string): CallRecord {
  const call: CallRecord = {
    id: newCallId(from), phoneNumberId: owner.phone.id, userWaId: from, direction: 'USER_INITIATED', startedAt: core.clock(), state: 'ringing',
  };
  core.calls.add(call);
  core.openWindow(owner.phone.id, from);
  // With callback permission on, calling the business lets the business call back.
  if (core.calls.settingsOf(owner.phone.id).callback_permission_status === 'ENABLED') {
    core.calls.setPermission(owner.phone.id, from, 'temporary', core.clock());
  }
  sendCallWebhook(core, owner, call, { event: 'connect', session: { sdp_type: 'offer', sdp: SANDBOX_SDP } }, name);
  return call;
}

/** Ends a call: COMPLETED when it had been answered, FAILED when it never was (or was rejected). */
export function endCall(core: SandboxCore, owner: PhoneOwner, call: CallRecord): void {
  const wasAccepted = call.acceptedAt !== undefined;
  call.state = 'ended';
  const now = core.clock();
  const extra: Obj = { status: wasAccepted ? 'COMPLETED' : 'FAILED' };
  if (wasAccepted) {
    Object.assign(extra, { start_time: unixSeconds(call.acceptedAt ?? now), end_time: unixSeconds(now), duration: Math.floor((now - (call.acceptedAt ?? now)) / 1000) });
  }
  sendCallWebhook(core, owner, call, { event: 'terminate', ...extra });
}

function sendCallWebhook(core: SandboxCore, owner: PhoneOwner, call: CallRecord, fields: Obj, name?: string): void {
  const fromBusiness = call.direction === 'BUSINESS_INITIATED';
  const callObject: Obj = {
    id: call.id,
    to: fromBusiness ? call.userWaId : owner.phone.displayPhoneNumber,
    from: fromBusiness ? owner.phone.displayPhoneNumber : call.userWaId,
    event: fields.event,
    timestamp: unixSeconds(core.clock()),
    direction: call.direction,
    ...fields,
    ...(call.bizOpaqueCallbackData ? { biz_opaque_callback_data: call.bizOpaqueCallbackData } : {}),
  };
  const contacts = name ? { contacts: [{ profile: { name }, wa_id: call.userWaId }] } : {};
  const value = phoneValue(owner.phone, { ...contacts, calls: [callObject] });
  core.webhooks.send(owner.account, webhookEnvelope(owner.account.wabaId, 'calls', value));
}
