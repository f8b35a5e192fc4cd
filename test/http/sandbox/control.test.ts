import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSandboxApp, startSandbox, type RunningSandbox } from '../../../src/whatsapp/sandbox/index.ts';
import { assertGraphError, WebhookReceiver } from './sandbox-fixture.ts';

describe('sandbox: accounts through the control API, reset, and the app without a socket', () => {
  let sandbox: RunningSandbox;
  let receiver: WebhookReceiver;
  const control = (method: string, path: string, body?: unknown) => fetch(sandbox.url + path, {
    method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  }).then(async (r) => ({ status: r.status, body: await r.json() as any }));
  const graph = (path: string, token: string, body?: unknown) => fetch(`${sandbox.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  }).then(async (r) => ({ status: r.status, body: await r.json() as any }));

  before(async () => {
    receiver = await new WebhookReceiver().start();
    sandbox = await startSandbox({ port: 0 });
  });
  after(async () => {
    await sandbox.close();
    await receiver.close();
  });

  it('starts on 127.0.0.1 and reports its base URL', () => {
    assert.match(sandbox.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('registers an account, then the account\'s token opens its numbers', async () => {
    assertGraphError(await graph('/v21.0/555000111222333/settings', 'tok-a'), 401, 190);
    const registered = await control('POST', '/_sandbox/accounts', {
      wabaId: '555000999888777', accessToken: 'tok-a', appSecret: 'sec-a', callbackUrl: receiver.url,
      phoneNumbers: [{ id: '555000111222333', displayPhoneNumber: '15551230000' }],
    });
    assert.equal(registered.status, 200, JSON.stringify(registered.body));
    assert.equal((await graph('/v21.0/555000111222333/settings', 'tok-a')).status, 200);
    const listed = await control('GET', '/_sandbox/accounts');
    assert.deepEqual(listed.body.data.map((a: any) => a.wabaId), ['555000999888777']);
    assert.equal(JSON.stringify(listed.body).includes('sec-a'), false, 'secrets are not listed');
    // Registering again replaces the token.
    await control('POST', '/_sandbox/accounts', {
      wabaId: '555000999888777', accessToken: 'tok-b', appSecret: 'sec-a', phoneNumbers: [{ id: '555000111222333', displayPhoneNumber: '15551230000' }],
    });
    assertGraphError(await graph('/v21.0/555000111222333/settings', 'tok-a'), 401, 190);
    assert.equal((await graph('/v21.0/555000111222333/settings', 'tok-b')).status, 200);
  });

  it('refuses an incomplete account or a number another account owns', async () => {
    const bad = [
      { accessToken: 't', appSecret: 's', phoneNumbers: [] },
      { wabaId: '1', appSecret: 's', phoneNumbers: [] },
      { wabaId: '1', accessToken: 't', appSecret: 's', phoneNumbers: [{ id: '2' }] },
      { wabaId: '1', accessToken: 't', appSecret: 's', callbackUrl: 'ftp://x', phoneNumbers: [] },
      { wabaId: '1', accessToken: 't', appSecret: 's', phoneNumbers: [{ id: '555000111222333', displayPhoneNumber: '1' }] },
    ];
    for (const account of bad) assertGraphError(await control('POST', '/_sandbox/accounts', account), 400, 100);
  });

  it('reset forgets messages but keeps accounts, unless asked to forget accounts too', async () => {
    await control('POST', '/_sandbox/inbound', { phoneNumberId: '555000111222333', from: '16505551234', type: 'text', text: { body: 'hi' } });
    const sent = await graph('/v21.0/555000111222333/messages', 'tok-b', { messaging_product: 'whatsapp', to: '16505551234', type: 'text', text: { body: 'yo' } });
    assert.equal(sent.status, 200);
    assert.equal(sandbox.sent().length, 1);
    await control('POST', '/_sandbox/reset');
    assert.equal(sandbox.sent().length, 0);
    assert.equal((await graph('/v21.0/555000111222333/settings', 'tok-b')).status, 200);
    const bare = await fetch(`${sandbox.url}/_sandbox/reset`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    assert.equal(bare.status, 200, 'a JSON request without a body means no fields');
    await control('POST', '/_sandbox/reset', { accounts: true });
    assertGraphError(await graph('/v21.0/555000111222333/settings', 'tok-b'), 401, 190);
  });

  it('createSandboxApp builds the same API without listening (for inject)', async () => {
    const app = await createSandboxApp({ accounts: [{ wabaId: '1', accessToken: 't', appSecret: 's', phoneNumbers: [{ id: '2', displayPhoneNumber: '3' }] }] });
    try {
      const r = await app.inject({ method: 'GET', url: '/v22.0/2/settings', headers: { authorization: 'Bearer t' } });
      assert.equal(r.statusCode, 200);
      assert.equal(r.json().calling.status, 'ENABLED');
    } finally {
      await app.close();
    }
  });
});
