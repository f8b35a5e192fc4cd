import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { call, client } from '../../support/http.ts';
import { LEAD, assertError, createProcess, dataOf, fetchProcess, type Client } from '../../support/processes.ts';

const MIB = 1024 * 1024;

/** A JSON text of exactly `bytes` bytes: a create body padded with an unknown attribute. */
function bodyOfSize(bytes: number): string {
  const shell = JSON.stringify({ data: { first_name: 'Ted', colour: '' } });
  const text = JSON.stringify({ data: { first_name: 'Ted', colour: 'x'.repeat(bytes - shell.length) } });
  assert.equal(Buffer.byteLength(text), bytes);
  return text;
}

describe('Process bodies: size limit, JSON only (API.md §0)', () => {
  let server: TestServer;
  let acme: SeededTeam;
  let admin: Client;
  let ted: any;

  before(async () => {
    server = await startTestServer();
    acme = await seedTeam(server.runtime, 'acme');
    admin = client(server.url, acme.tokens.admin);
    ted = await createProcess(admin, LEAD, { data: { first_name: 'Ted' } });
  });
  after(() => server.close());

  const raw = (method: string, path: string, body: string, contentType = 'application/json') =>
    call(server.url, method, path, { token: acme.tokens.admin, body, contentType });
  const count = async () => (await admin.post(`${LEAD}/list`, { includeTotal: true })).body._meta.total;

  it('a body over 1 MiB is 413 on create and update; exactly 1 MiB is read', async () => {
    assertError(await raw('POST', LEAD, bodyOfSize(MIB + 1)), 413, 'PAYLOAD_TOO_LARGE');
    assertError(await raw('PUT', `${LEAD}/${ted.id}`, bodyOfSize(MIB + 1)), 413, 'PAYLOAD_TOO_LARGE');
    assertError(await raw('PUT', `${LEAD}/lead_id/${ted.data.lead_id}`, bodyOfSize(4 * MIB)), 413, 'PAYLOAD_TOO_LARGE');
    // At the limit the body is parsed, and refused for what it says (the padding attribute).
    assertError(await raw('POST', LEAD, bodyOfSize(MIB)), 400, 'UNKNOWN_ATTRIBUTE');
    assert.equal(await count(), 1);
  });

  it('malformed JSON is 400', async () => {
    for (const text of ['{"data": {"first_name": "Ted"', '{data: {}}', "{'data': {}}", '']) {
      assertError(await raw('POST', LEAD, text), 400, 'BAD_REQUEST');
    }
    assertError(await raw('PUT', `${LEAD}/${ted.id}`, '{"data": '), 400, 'BAD_REQUEST');
    assert.equal(await count(), 1);
  });

  it('JSON that is not an object is 400', async () => {
    for (const text of ['[]', '"Ted"', '42', 'null']) {
      assertError(await raw('POST', LEAD, text), 400, 'VALIDATION_FAILED');
      assertError(await raw('PUT', `${LEAD}/${ted.id}`, text), 400, 'VALIDATION_FAILED');
    }
    assert.equal(await count(), 1);
  });

  it('text/plain and multipart bodies are 415', async () => {
    const json = JSON.stringify({ data: { first_name: 'Plain' } });
    assertError(await raw('POST', LEAD, json, 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    assertError(await raw('PUT', `${LEAD}/${ted.id}`, JSON.stringify({ data: { score: 2 } }), 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    assertError(await raw('POST', LEAD, 'first_name=Ted', 'application/x-www-form-urlencoded'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    const form = new FormData();
    form.append('data', json);
    const multipart = await call(server.url, 'POST', LEAD, { token: acme.tokens.admin, body: form });
    assertError(multipart, 415, 'UNSUPPORTED_MEDIA_TYPE');
    assert.equal(await count(), 1);
    assert.deepEqual(await fetchProcess(admin, LEAD, ted.id), ted);
  });

  it('application/json with a charset is read', async () => {
    const res = await raw('POST', LEAD, JSON.stringify({ data: { first_name: 'Zoë' } }), 'application/json; charset=utf-8');
    assert.equal(dataOf(res).data.first_name, 'Zoë');
  });
});
