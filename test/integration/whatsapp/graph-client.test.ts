import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NetworkInTransactionError } from '../../../src/db/database.ts';
import { createGraphClient } from '../../../src/whatsapp/graph/graph-client.ts';
import { GraphApiError, GraphTimeoutError, GraphUnreachableError } from '../../../src/whatsapp/graph/graph-errors.ts';
import type { RunningSandbox } from '../../../src/whatsapp/sandbox/index.ts';
import { freePort, startTestServer, type TestServer } from '../../support/test-server.ts';
import { PLUGIN_SECRETS } from '../../support/plugins.ts';
import { PHONE_NUMBER_ID, startTestSandbox, WABA_ID } from '../../support/sandbox.ts';

describe('Graph API client against the sandbox', () => {
  let sandbox: RunningSandbox;
  let server: TestServer;
  const graph = createGraphClient({ timeoutMs: 500, sandboxUrl: () => sandbox.url, sleep: async () => {} });
  const target = () => ({ graphApiUrl: sandbox.url, accessToken: PLUGIN_SECRETS.WHATSAPP_ACCESS_TOKEN });
  const text = { messaging_product: 'whatsapp', to: '919901258433', type: 'text', text: { body: 'hi' } };

  before(async () => {
    sandbox = await startTestSandbox();
    server = await startTestServer();
  });
  after(async () => {
    await server?.close();
    await sandbox?.close();
  });

  it('refuses to call out while a database transaction is open, and sends nothing', async () => {
    const before = sandbox.sent().length;
    await assert.rejects(
      server.runtime.db.transaction(() => graph.request(target(), { method: 'POST', path: `/v21.0/${PHONE_NUMBER_ID}/messages`, json: text })),
      NetworkInTransactionError,
    );
    assert.equal(sandbox.sent().length, before);
    const outside = await graph.request(target(), { method: 'POST', path: `/v21.0/${PHONE_NUMBER_ID}/messages`, json: text });
    assert.equal(outside.status, 200);
  });

  it("raises Meta's errors with Meta's status and error object", async () => {
    const wrongToken = graph.request({ graphApiUrl: sandbox.url, accessToken: 'nope' }, { method: 'GET', path: `/v21.0/${WABA_ID}/message_templates` });
    await assert.rejects(wrongToken, (error: unknown) => error instanceof GraphApiError && error.status === 401 && error.metaError?.code === 190);
  });

  it('tries a GET again after a 503, but never a POST; a POST without an answer in time is a timeout, sent once', async () => {
    sandbox.setFailures({ serverErrors: { count: 1, status: 503 } });
    const read = await graph.request(target(), { method: 'GET', path: `/v21.0/${WABA_ID}/message_templates` });
    assert.equal(read.status, 200);
    sandbox.setFailures({ serverErrors: { count: 1, status: 503 } });
    await assert.rejects(graph.request(target(), { method: 'POST', path: `/v21.0/${PHONE_NUMBER_ID}/messages`, json: text }), (e: unknown) => e instanceof GraphApiError && e.status === 503);
    const before = sandbox.sent().length;
    sandbox.setFailures({ serverErrors: null, timeouts: { count: 1, delayMs: 1500 } });
    await assert.rejects(graph.request(target(), { method: 'POST', path: `/v21.0/${PHONE_NUMBER_ID}/messages`, json: text }), GraphTimeoutError);
    await new Promise((resolve) => setTimeout(resolve, 1700));
    assert.ok(sandbox.sent().length <= before + 1);
    sandbox.setFailures({ timeouts: null });
  });

  it('says the Graph API is unreachable when nothing listens, and that sandbox: needs a running sandbox', async () => {
    const port = await freePort();
    await assert.rejects(graph.request({ graphApiUrl: `http://127.0.0.1:${port}`, accessToken: 'x' }, { method: 'POST', path: '/v21.0/1/messages', json: {} }), GraphUnreachableError);
    const none = createGraphClient({ timeoutMs: 500, sandboxUrl: () => null });
    await assert.rejects(none.request({ graphApiUrl: 'sandbox:', accessToken: 'x' }, { method: 'GET', path: '/v21.0/1' }), /sandbox/);
  });
});
