import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSandbox } from '../../../src/whatsapp/sandbox/index.ts';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { applyPlugins } from '../../support/plugins.ts';
import { PHONE_NUMBER_ID, startTestSandbox, WABA_ID } from '../../support/sandbox.ts';

const USER = '919901258433';

describe('Calling pass-through (API.md §8.2a), as the official SDK calls it, against the sandbox', () => {
  let sandbox: RunningSandbox;
  let server: TestServer;
  let alpha: SeededTeam;
  let beta: SeededTeam;
  const base = `/v1/whatsapp/v21.0/${PHONE_NUMBER_ID}`;

  before(async () => {
    sandbox = await startTestSandbox();
    server = await startTestServer();
    alpha = await seedTeam(server.runtime, 'alpha');
    beta = await seedTeam(server.runtime, 'beta');
    await applyPlugins(server.runtime, 'alpha', [{ wabaId: WABA_ID, phones: [PHONE_NUMBER_ID], graphApiUrl: sandbox.url }]);
  });
  after(async () => {
    await server?.close();
    await sandbox?.close();
  });

  it("reads and changes calling settings, answering Meta's JSON unwrapped and never _errors", async () => {
    const admin = client(server.url, alpha.tokens.admin);
    const read = await admin.get(`${base}/settings?include_sip_credentials=true`, { headers: { 'x-chakra-sdk': '@chakrahq/chakra-chat-sdk/1.0.0' } });
    assert.equal(read.status, 200, JSON.stringify(read.body));
    assert.ok(read.body.calling, JSON.stringify(read.body));
    assert.equal(read.body._errors, undefined);
    const changed = await admin.post(`${base}/settings`, { calling: { status: 'ENABLED', call_icon_visibility: 'DEFAULT' } });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.deepEqual(changed.body, { success: true });
    assert.equal((await client(server.url, alpha.tokens.user).post(`${base}/settings`, { calling: { status: 'DISABLED' } })).status, 403);
  });

  it('asks for call permissions and places a call, as Meta answers them', async () => {
    const admin = client(server.url, alpha.tokens.admin);
    const permissions = await admin.get(`${base}/call_permissions?user_wa_id=${USER}`);
    assert.equal(permissions.status, 200, JSON.stringify(permissions.body));
    assert.ok('permission' in permissions.body || 'actions' in permissions.body, JSON.stringify(permissions.body));
    await fetch(`${sandbox.url}/_sandbox/call-permissions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phoneNumberId: PHONE_NUMBER_ID, userWaId: USER, status: 'permanent' }) });
    const call = await admin.post(`${base}/calls`, { messaging_product: 'whatsapp', to: USER, action: 'connect', session: { sdp_type: 'offer', sdp: 'v=0\r\n' } });
    assert.equal(call.status, 200, JSON.stringify(call.body));
    assert.match(call.body.calls[0].id, /^wacid\./);
    const ended = await admin.post(`${base}/calls`, { messaging_product: 'whatsapp', call_id: call.body.calls[0].id, action: 'terminate' });
    assert.equal(ended.body.success, true);
    const unknown = await admin.post(`${base}/calls`, { messaging_product: 'whatsapp', call_id: 'wacid.nope', action: 'terminate' });
    assert.equal(unknown.status, 400);
    assert.equal(typeof unknown.body.error.code, 'number');
  });

  it("answers 404 for a number of another team's or of no plugin, and 400 for a bad version", async () => {
    assert.equal((await client(server.url, beta.tokens.admin).get(`${base}/settings`)).status, 404);
    assert.equal((await client(server.url, alpha.tokens.admin).get('/v1/whatsapp/v21.0/123/settings')).status, 404);
    assert.equal((await client(server.url, alpha.tokens.admin).get(`/v1/whatsapp/v21/${PHONE_NUMBER_ID}/settings`)).status, 400);
    assert.equal((await client(server.url).get(`${base}/settings`)).status, 401);
  });
});
