import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { LEAD, createProcess, dataOf, type Client } from '../../support/processes.ts';
import {
  BULK_CREATE, ENTRY_STATUSES, JOBS, countLeads, countedInDatabase, counts, drain, fetchJob, submit,
} from '../bulk/bulk-support.ts';

/**
 * A large job: its counts must be exact while it runs and when it ends, and must agree with the
 * entry rows themselves. (They are kept as counters so that a 100,000-entry job answers at once.)
 */
describe('Background jobs: counts of a large job (API.md §5)', () => {
  const N = 20_000;
  let server: TestServer;
  let admin: Client;
  let jobId: string;
  /** Every 10th item lacks its required first name; every 400th reuses a key a process holds. */
  const expected = { INVALID: N / 10, ERROR: N / 400, SUCCESS: N - N / 10 - N / 400 };
  /** The work takes tens of seconds on a busy machine; a run-wide default timeout must not cut it. */
  const slow = { timeout: 300_000 };

  before(async () => {
    server = await startTestServer();
    const acme = await seedTeam(server.runtime, 'acme');
    admin = client(server.url, acme.tokens.admin);
    await createProcess(admin, LEAD, { lead_id: 'HELD', data: { first_name: 'Holder' } });
    const items = Array.from({ length: N }, (_, i) => {
      if (i % 10 === 3) return { lead_id: `BIG-${i}`, data: { last_name: 'No first name' } };
      if (i % 400 === 7) return { lead_id: 'HELD', data: { first_name: 'Clash' } };
      return { lead_id: `BIG-${i}`, data: { first_name: `Lead ${i}`, score: i } };
    });
    jobId = (await submit(admin, 'POST', BULK_CREATE, items)).job.id;
  }, slow);
  after(() => server.close());

  it('before any work: every entry NOT_STARTED, in the counts and in the rows', async () => {
    const { job, counts: meta } = await fetchJob(admin, jobId);
    assert.equal(job.totalEntries, N);
    assert.deepEqual(meta, counts({ NOT_STARTED: N }));
    assert.deepEqual(await countedInDatabase(server.runtime, jobId), meta);
  });

  it('part-way (one partition done): counts are exact, add up to the total, and match the rows', slow, async () => {
    assert.equal(await server.runtime.engine.runOnce(), 1);
    const { job, counts: meta } = await fetchJob(admin, jobId);
    assert.equal(job.completionStatus, 'IN_PROGRESS');
    assert.ok(meta.NOT_STARTED > 0 && meta.NOT_STARTED < N, JSON.stringify(meta));
    assert.equal(ENTRY_STATUSES.reduce((sum, s) => sum + meta[s], 0), N);
    assert.deepEqual(await countedInDatabase(server.runtime, jobId), meta);
  });

  it('at the end: exact counts per status, equal to a real count of the rows, and the processes exist', slow, async () => {
    await drain(server.runtime);
    const { job, counts: meta } = await fetchJob(admin, jobId);
    assert.equal(job.completionStatus, 'SUCCESS');
    assert.deepEqual(meta, counts(expected));
    assert.deepEqual(await countedInDatabase(server.runtime, jobId), meta);
    assert.equal(job.statusMessage, `${N} entries: ${expected.SUCCESS} SUCCESS, ${expected.ERROR} ERROR, ${expected.INVALID} INVALID`);
    assert.equal(await countLeads(admin), expected.SUCCESS + 1, 'one process per SUCCESS entry, plus the holder');
  });

  it('Fetch Background Job Entries: total per filter equals the counts; the last page has no next', async () => {
    for (const status of ENTRY_STATUSES) {
      const res = await admin.get(`${JOBS}/${jobId}/entries?completionStatus=${status}&limit=1`);
      assert.equal(res.body._meta.total, expected[status as keyof typeof expected] ?? 0, status);
      assert.equal(dataOf(res).length, Math.min(1, res.body._meta.total));
    }
    const all = await admin.get(`${JOBS}/${jobId}/entries?skip=${N - 30}`);
    assert.deepEqual(dataOf(all).map((e: any) => e.index), Array.from({ length: 30 }, (_, i) => N - 30 + i));
    assert.equal(all.body._meta.total, N);
    assert.equal(all.body._meta.next, null);
    const errors = await admin.get(`${JOBS}/${jobId}/entries?completionStatus=ERROR`);
    assert.deepEqual(dataOf(errors).map((e: any) => e.index), Array.from({ length: expected.ERROR }, (_, i) => i * 400 + 7));
  });
});
