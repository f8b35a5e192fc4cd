import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { LEAD, UNKNOWN_UUID, assertError, createProcess, dataOf, type Client } from '../../support/processes.ts';
import { BULK_CREATE, ENTRY_STATUSES, JOBS, allEntries, drain, submit } from '../bulk/bulk-support.ts';

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('Fetch Background Job Entries: order, filter, limit, skip, total and next (API.md §5)', () => {
  const N = 250;
  let server: TestServer;
  let admin: Client;
  let jobId: string;
  let pending: string;
  /** index → the status its item must end with: every 10th is INVALID, every 25th from 7 is ERROR. */
  const statusOf = (i: number) => (i % 10 === 3 ? 'INVALID' : i % 25 === 7 ? 'ERROR' : 'SUCCESS');
  const indexesWith = (status: string) => range(0, N).filter((i) => statusOf(i) === status);
  const entriesPath = () => `${JOBS}/${jobId}/entries`;

  before(async () => {
    server = await startTestServer();
    const acme = await seedTeam(server.runtime, 'acme');
    admin = client(server.url, acme.tokens.admin);
    await createProcess(admin, LEAD, { lead_id: 'HELD', data: { first_name: 'Holder' } });
    const items = range(0, N).map((i) => {
      const status = statusOf(i);
      if (status === 'INVALID') return { lead_id: `E-${i}`, data: { first_name: 'X', score: 'not a number' } };
      if (status === 'ERROR') return { lead_id: 'HELD', data: { first_name: `Clash ${i}` } };
      return { lead_id: `E-${i}`, data: { first_name: `Lead ${i}` } };
    });
    jobId = (await submit(admin, 'POST', BULK_CREATE, items)).job.id;
    await drain(server.runtime);
    // A second job left unprocessed, for the NOT_STARTED filter.
    pending = (await submit(admin, 'POST', BULK_CREATE, [{ data: { first_name: 'Later' } }, { data: { first_name: 'Later too' } }])).job.id;
  });
  after(() => server.close());

  it('without parameters: the first 100 entries in index order, total of all, next to the second page', async () => {
    const res = await admin.get(entriesPath());
    const page = dataOf(res);
    assert.deepEqual(page.map((e: any) => e.index), range(0, 100));
    assert.deepEqual(page.map((e: any) => e.completionStatus), range(0, 100).map(statusOf));
    assert.deepEqual(res.body._meta, { total: N, next: `/v1/ext/background-job/${jobId}/entries?limit=100&skip=100` });
  });

  it('limit above 100 is clamped to 100; smaller limits are honoured', async () => {
    const big = await admin.get(`${entriesPath()}?limit=500`);
    assert.equal(dataOf(big).length, 100);
    assert.equal(big.body._meta.next, `/v1/ext/background-job/${jobId}/entries?limit=100&skip=100`);
    const small = await admin.get(`${entriesPath()}?limit=7&skip=3`);
    assert.deepEqual(dataOf(small).map((e: any) => e.index), range(3, 10));
    assert.equal(small.body._meta.next, `/v1/ext/background-job/${jobId}/entries?limit=7&skip=10`);
  });

  it('limit below 1 or not an integer, and skip below 0 or not an integer → 400', async () => {
    for (const query of ['limit=0', 'limit=-5', 'limit=abc', 'limit=2.5', 'skip=-1', 'skip=abc']) {
      const res = await admin.get(`${entriesPath()}?${query}`);
      assert.equal(res.status, 400, `${query}: ${JSON.stringify(res.body)}`);
      assert.deepEqual(res.body._data, []);
      assert.ok(res.body._errors.length > 0);
    }
  });

  it('skip: later pages; next is null on the last page and past the end', async () => {
    const last = await admin.get(`${entriesPath()}?skip=200`);
    assert.deepEqual(dataOf(last).map((e: any) => e.index), range(200, N));
    assert.deepEqual(last.body._meta, { total: N, next: null });
    const exact = await admin.get(`${entriesPath()}?limit=50&skip=200`);
    assert.equal(dataOf(exact).length, 50);
    assert.equal(exact.body._meta.next, null, 'the page ends exactly at the last entry');
    const beyond = await admin.get(`${entriesPath()}?skip=${N}`);
    assert.deepEqual(dataOf(beyond), []);
    assert.deepEqual(beyond.body._meta, { total: N, next: null });
  });

  it('walking the pages through next yields every entry exactly once, in index order', async () => {
    for (const limit of ['', '?limit=30']) {
      const seen = await allEntries(admin, jobId, limit);
      assert.deepEqual(seen.map((e) => e.index), range(0, N), `pages of ${limit || 'the default size'}`);
      assert.equal(new Set(seen.map((e) => e.id)).size, N);
    }
  });

  it('completionStatus filters the entries and total, and next keeps the filter', async () => {
    const first = await admin.get(`${entriesPath()}?completionStatus=SUCCESS`);
    const successes = indexesWith('SUCCESS');
    assert.equal(first.body._meta.total, successes.length);
    assert.deepEqual(dataOf(first).map((e: any) => e.index), successes.slice(0, 100));
    assert.equal(first.body._meta.next, `/v1/ext/background-job/${jobId}/entries?completionStatus=SUCCESS&limit=100&skip=100`);
    const second = await admin.get(first.body._meta.next);
    assert.equal(second.body._meta.next, `/v1/ext/background-job/${jobId}/entries?completionStatus=SUCCESS&limit=100&skip=200`);
    const walked = await allEntries(admin, jobId, '?completionStatus=SUCCESS');
    assert.deepEqual(walked.map((e) => e.index), successes);
  });

  it('each of the six statuses filters exactly (statuses no entry has give an empty page)', async () => {
    for (const status of ENTRY_STATUSES) {
      const res = await admin.get(`${entriesPath()}?completionStatus=${status}`);
      const want = indexesWith(status);
      assert.equal(res.body._meta.total, want.length, status);
      assert.deepEqual(dataOf(res).map((e: any) => e.index), want.slice(0, 100), status);
      assert.ok(dataOf(res).every((e: any) => e.completionStatus === status));
      if (want.length <= 100) assert.equal(res.body._meta.next, null, status);
    }
    assert.ok(indexesWith('INVALID').length > 0 && indexesWith('ERROR').length > 0, 'the job has each kind of outcome');
    const waiting = await admin.get(`${JOBS}/${pending}/entries?completionStatus=NOT_STARTED`);
    assert.deepEqual(dataOf(waiting).map((e: any) => [e.index, e.completionStatus]), [[0, 'NOT_STARTED'], [1, 'NOT_STARTED']]);
    assert.deepEqual(waiting.body._meta, { total: 2, next: null });
  });

  it('an unknown completionStatus → 400 (values are case-sensitive)', async () => {
    for (const value of ['DONE', 'success', '']) {
      const res = await admin.get(`${entriesPath()}?completionStatus=${value}`);
      assert.equal(res.status, 400, `"${value}": ${JSON.stringify(res.body)}`);
      assert.ok(res.body._errors.some((m: string) => /completionStatus/.test(m)), JSON.stringify(res.body._errors));
    }
  });

  it('a job id that is not a UUID → 400; an unknown one → 404', async () => {
    assertError(await admin.get(`${JOBS}/not-a-uuid/entries`), 400, 'BAD_REQUEST');
    assertError(await admin.get(`${JOBS}/${UNKNOWN_UUID}/entries`), 404, 'NOT_FOUND');
  });
});
