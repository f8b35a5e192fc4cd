import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertGraphError, PHONE_ID, startHarness, until, USER, type Harness } from './sandbox-fixture.ts';

const TEXT = { type: 'text', text: { body: 'hi' } };

describe('sandbox: rate limits', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());
  beforeEach(async () => {
    await h.control('POST', '/_sandbox/reset');
  });

  it('allows a burst of 45 to one user, then answers 131056 until the pair rate earns a message back', async () => {
    for (let i = 0; i < 45; i++) assert.equal((await h.send({ to: USER, ...TEXT })).status, 200, `message ${i + 1}`);
    const limited = await h.send({ to: USER, ...TEXT });
    assertGraphError(limited, 429, 131056);
    assert.equal(limited.body.error.message, '(#131056) (Business Account, Consumer Account) pair rate limit hit');
    assert.equal((await h.send({ to: '16505550000', ...TEXT })).status, 200, 'another user is not affected');
    await h.advance(6_000);
    assert.equal((await h.send({ to: USER, ...TEXT })).status, 200, 'one message per 6 s comes back');
    assertGraphError(await h.send({ to: USER, ...TEXT }), 429, 131056);
  });

  it('answers 130429 over the per-number throughput, per second', async () => {
    await h.control('PATCH', '/_sandbox/settings', { throughput: { perSecond: 3 }, throttleHttpStatus: 400 });
    for (let i = 0; i < 3; i++) assert.equal((await h.send({ to: `1650555000${i}`, ...TEXT })).status, 200);
    const limited = await h.send({ to: '16505550009', ...TEXT });
    assertGraphError(limited, 400, 130429);
    assert.equal(limited.body.error.message, '(#130429) Rate limit hit');
    await h.advance(1_000);
    assert.equal((await h.send({ to: '16505550009', ...TEXT })).status, 200);
  });

  it('both limits can be switched off or changed', async () => {
    await h.control('PATCH', '/_sandbox/settings', { throughput: { enabled: false }, pairRate: { enabled: false } });
    for (let i = 0; i < 100; i++) assert.equal((await h.send({ to: USER, ...TEXT })).status, 200);
    await h.control('PATCH', '/_sandbox/settings', { pairRate: { enabled: true, burst: 1, intervalMs: 1_000 } });
    assert.equal((await h.send({ to: '16505550001', ...TEXT })).status, 200);
    assertGraphError(await h.send({ to: '16505550001', ...TEXT }), 429, 131056);
  });

  it('refuses settings that do not fit', async () => {
    for (const bad of [{ throughput: { perSecond: -1 } }, { nonsense: 1 }, { statusEvents: { reorder: 'yes' } }, { webhookRetryDelaysMs: ['soon'] }]) {
      assertGraphError(await h.control('PATCH', '/_sandbox/settings', bad), 400, 100);
    }
    const current = await h.control('GET', '/_sandbox/settings');
    assert.equal(current.body.throughput.perSecond, 80);
    assert.deepEqual(current.body.pairRate, { enabled: true, intervalMs: 6_000, burst: 45 });
  });
});

describe('sandbox: failure modes', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());
  beforeEach(async () => {
    await h.control('POST', '/_sandbox/reset');
  });

  it('fails the next N sends with the given code, then behaves again', async () => {
    const set = await h.control('PUT', '/_sandbox/failures', { failNext: { count: 2, code: 131000, httpStatus: 500 } });
    assert.equal(set.status, 200);
    assertGraphError(await h.send({ to: USER, ...TEXT }), 500, 131000);
    assertGraphError(await h.send({ to: USER, ...TEXT }), 500, 131000);
    assert.equal((await h.send({ to: USER, ...TEXT })).status, 200);
    await h.control('PUT', '/_sandbox/failures', { failNext: { count: 1, code: 131026 } });
    assertGraphError(await h.send({ to: USER, ...TEXT }), 400, 131026);
    assert.equal(h.sandbox.sent().length, 1, 'failed sends are not recorded as sent');
  });

  it('answers the next N Graph requests with a 5xx status', async () => {
    await h.control('PUT', '/_sandbox/failures', { serverErrors: { count: 1, status: 503 } });
    assertGraphError(await h.graph('GET', `/v21.0/${PHONE_ID}/settings`), 503, 131016);
    assert.equal((await h.graph('GET', `/v21.0/${PHONE_ID}/settings`)).status, 200);
    assert.equal((await h.control('GET', '/_sandbox/failures')).body.serverErrors, null);
  });

  it('holds an answer back for the added latency, and does not answer a "timeout" until its delay', async () => {
    await h.control('PUT', '/_sandbox/failures', { latencyMs: 2_000 });
    let answered = false;
    const slow = h.send({ to: USER, ...TEXT }).then((r) => { answered = true; return r; });
    await until(() => h.time.pending() > 0);
    await h.advance(1_999);
    assert.equal(answered, false);
    await h.advance(1);
    assert.equal((await slow).status, 200);
    await h.control('DELETE', '/_sandbox/failures');

    await h.control('PUT', '/_sandbox/failures', { timeouts: { count: 1, delayMs: 60_000 } });
    let held = true;
    const stuck = h.graph('GET', `/v21.0/${PHONE_ID}/settings`).then((r) => { held = false; return r; });
    await until(() => h.time.pending() > 0);
    assert.equal((await h.graph('GET', `/v21.0/${PHONE_ID}/settings`)).status, 200, 'only the first request is held');
    await h.advance(59_999);
    assert.equal(held, true, 'no answer before the delay');
    await h.advance(1);
    assert.equal((await stuck).status, 200);
  });

  it('refuses failure modes that do not fit', async () => {
    for (const bad of [{ failNext: { count: 'two', code: 1 } }, { serverErrors: { count: 1, status: 404 } }, { latencyMs: -5 }, { timeouts: { count: 1 } }]) {
      assertGraphError(await h.control('PUT', '/_sandbox/failures', bad), 400, 100);
    }
  });
});
