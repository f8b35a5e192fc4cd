import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { dataOf, manualClock, type Client } from '../../support/processes.ts';
import { BULK_CREATE, BULK_UPDATE, JOBS, drain, fetchJob, leads, submit } from '../bulk/bulk-support.ts';

describe("List background jobs: the team's jobs, newest first (API.md §5, extension)", () => {
  const time = manualClock();
  let server: TestServer;
  let admin: Client;
  /** Job ids, oldest first: [done, done, cancelled, waiting, waiting]. */
  const ids: string[] = [];

  before(async () => {
    server = await startTestServer({ clock: time.clock });
    const acme = await seedTeam(server.runtime, 'acme');
    admin = client(server.url, acme.tokens.admin);
    for (const prefix of ['A', 'B']) {
      time.advance(1000);
      ids.push((await submit(admin, 'POST', BULK_CREATE, leads(2, prefix))).job.id);
    }
    await drain(server.runtime);
    time.advance(1000);
    ids.push((await submit(admin, 'POST', BULK_CREATE, leads(2, 'C'))).job.id);
    dataOf(await admin.post(`${JOBS}/${ids[2]}/cancel`));
    for (const prefix of ['D', 'E']) {
      time.advance(1000);
      ids.push((await submit(admin, 'PATCH', BULK_UPDATE, { processes: [{ lead_id: `${prefix}-0`, data: { score: 1 } }] })).job.id);
    }
  });
  after(() => server.close());

  it('lists every job of the team, newest first, each as Fetch Background Job shows it', async () => {
    const res = await admin.get(JOBS);
    const jobs = dataOf(res);
    assert.deepEqual(jobs.map((j: any) => j.id), [...ids].reverse());
    for (const job of jobs) assert.deepEqual(job, (await fetchJob(admin, job.id)).job);
    assert.equal(res.body._meta.hasMore, false);
  });

  it('filters by completionStatus', async () => {
    const of = async (status: string) => dataOf(await admin.get(`${JOBS}?completionStatus=${status}`)).map((j: any) => j.id);
    assert.deepEqual(await of('SUCCESS'), [ids[1], ids[0]]);
    assert.deepEqual(await of('CANCELLED'), [ids[2]]);
    assert.deepEqual(await of('NOT_STARTED'), [ids[4], ids[3]]);
    assert.deepEqual(await of('IN_PROGRESS'), []);
    assert.deepEqual(await of('ERROR'), []);
    const bad = await admin.get(`${JOBS}?completionStatus=FINISHED`);
    assert.equal(bad.status, 400);
    assert.ok(bad.body._errors.some((m: string) => /completionStatus/.test(m)));
  });

  it('pages with skip and limit; hasMore tells whether more follow', async () => {
    const first = await admin.get(`${JOBS}?limit=2`);
    assert.deepEqual(dataOf(first).map((j: any) => j.id), [ids[4], ids[3]]);
    assert.deepEqual(first.body._meta, { hasMore: true, skip: 0, limit: 2 });
    const middle = await admin.get(`${JOBS}?limit=2&skip=2`);
    assert.deepEqual(dataOf(middle).map((j: any) => j.id), [ids[2], ids[1]]);
    assert.equal(middle.body._meta.hasMore, true);
    const last = await admin.get(`${JOBS}?limit=2&skip=4`);
    assert.deepEqual(dataOf(last).map((j: any) => j.id), [ids[0]]);
    assert.deepEqual(last.body._meta, { hasMore: false, skip: 4, limit: 2 });
    const filtered = await admin.get(`${JOBS}?completionStatus=SUCCESS&limit=1&skip=1`);
    assert.deepEqual(dataOf(filtered).map((j: any) => j.id), [ids[0]]);
    for (const query of ['limit=0', 'limit=x', 'skip=-1']) assert.equal((await admin.get(`${JOBS}?${query}`)).status, 400, query);
  });
});
