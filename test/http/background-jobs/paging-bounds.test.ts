import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { dataOf, type Client } from '../../support/processes.ts';
import { UNSAFE_INTEGER_TEXTS, assertUnsafeIntegerRefused } from '../../support/bounds.ts';
import { BULK_CREATE, JOBS, drain, leads, submit } from '../bulk/bulk-support.ts';

describe('Background job paging: skip and limit beyond the safe-integer range are refused (400), not sent to SQL', () => {
  let server: TestServer;
  let admin: Client;
  let jobId: string;

  before(async () => {
    server = await startTestServer();
    const acme = await seedTeam(server.runtime, 'acme');
    admin = client(server.url, acme.tokens.admin);
    jobId = (await submit(admin, 'POST', BULK_CREATE, leads(3, 'PAGED'))).job.id;
    await drain(server.runtime);
  });
  after(() => server.close());

  it('the job list and Fetch Background Job Entries refuse skip or limit beyond the safe-integer range', async () => {
    for (const path of [JOBS, `${JOBS}/${jobId}/entries`, `${JOBS}/${jobId}/entries?completionStatus=SUCCESS&`]) {
      const join = path.endsWith('&') ? '' : '?';
      for (const field of ['skip', 'limit']) {
        for (const text of UNSAFE_INTEGER_TEXTS) assertUnsafeIntegerRefused(await admin.get(`${path}${join}${field}=${text}`), field);
      }
    }
  });

  it('both accept skip at the largest safe integer: an empty page', async () => {
    const jobs = await admin.get(`${JOBS}?skip=${Number.MAX_SAFE_INTEGER}`);
    assert.deepEqual(dataOf(jobs), []);
    assert.deepEqual(jobs.body._meta, { hasMore: false, skip: Number.MAX_SAFE_INTEGER, limit: 10 });
    const entries = await admin.get(`${JOBS}/${jobId}/entries?skip=${Number.MAX_SAFE_INTEGER}`);
    assert.deepEqual(dataOf(entries), []);
    assert.deepEqual(entries.body._meta, { total: 3, next: null });
  });
});
