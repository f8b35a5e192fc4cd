import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { LEAD, createProcess, dataOf, type Client } from '../../support/processes.ts';
import { UNSAFE_INTEGERS, UNSAFE_INTEGER_TEXTS, assertUnsafeIntegerRefused, infinityBody } from '../../support/bounds.ts';

describe('Process paging: skip and limit beyond the safe-integer range are refused (400), not sent to SQL', () => {
  let server: TestServer;
  let admin: Client;
  let processId: string;

  before(async () => {
    server = await startTestServer();
    const acme = await seedTeam(server.runtime, 'acme');
    admin = client(server.url, acme.tokens.admin);
    processId = (await createProcess(admin, LEAD, { data: { first_name: 'Paged' } })).id;
  });
  after(() => server.close());

  it('List Processes refuses skip or limit beyond the safe-integer range in the body', async () => {
    for (const field of ['skip', 'limit']) {
      for (const value of UNSAFE_INTEGERS) assertUnsafeIntegerRefused(await admin.post(`${LEAD}/list`, { [field]: value }), field);
      const raw = await admin.send('POST', `${LEAD}/list`, { body: infinityBody(field), contentType: 'application/json' });
      assertUnsafeIntegerRefused(raw, field);
    }
  });

  it('List Processes accepts skip at the largest safe integer (an empty page) and clamps a large safe limit', async () => {
    const far = await admin.post(`${LEAD}/list`, { skip: Number.MAX_SAFE_INTEGER });
    assert.deepEqual(dataOf(far), []);
    assert.deepEqual(far.body._meta, { hasMore: false, skip: Number.MAX_SAFE_INTEGER, limit: 10 });
    const clamped = await admin.post(`${LEAD}/list`, { limit: Number.MAX_SAFE_INTEGER });
    assert.equal(dataOf(clamped).length, 1);
    assert.equal(clamped.body._meta.limit, 100);
  });

  it('Process history refuses skip or limit beyond the safe-integer range in the query string', async () => {
    for (const field of ['skip', 'limit']) {
      for (const text of UNSAFE_INTEGER_TEXTS) assertUnsafeIntegerRefused(await admin.get(`${LEAD}/${processId}/history?${field}=${text}`), field);
    }
    const far = await admin.get(`${LEAD}/${processId}/history?skip=${Number.MAX_SAFE_INTEGER}`);
    assert.deepEqual(dataOf(far), []);
    assert.equal(far.body._meta.skip, Number.MAX_SAFE_INTEGER);
  });
});
