import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { LEAD, assertError, createProcess, dataOf, manualClock, type Client } from '../../support/processes.ts';
import { BULK_CREATE, JOBS, allEntries, counts, drain, fetchJob, leads, submit } from '../bulk/bulk-support.ts';

/** The ids of the jobs `c` lists, newest first, walking every page of `limit`. */
async function listedIds(c: Client, limit = 100): Promise<string[]> {
  const ids: string[] = [];
  for (let skip = 0; ; skip += limit) {
    const res = await c.get(`${JOBS}?limit=${limit}&skip=${skip}`);
    ids.push(...dataOf(res).map((j: any) => j.id));
    if (!res.body._meta.hasMore) return ids;
  }
}

describe('Background jobs: a USER-role key reaches only the jobs it created (API.md §1, §5)', () => {
  const time = manualClock();
  let server: TestServer;
  let acme: SeededTeam;
  let admin: Client;
  let manager: Client;
  let john: Client;
  /** ADMIN's finished job with one ERROR entry, and ADMIN's job not yet started. */
  let adminFinished: any;
  let adminRunning: any;
  /** john's finished job with one ERROR entry, and john's job not yet started. */
  let johnFinished: any;
  let johnRunning: any;

  before(async () => {
    server = await startTestServer({ clock: time.clock });
    acme = await seedTeam(server.runtime, 'acme');
    admin = client(server.url, acme.tokens.admin);
    manager = client(server.url, acme.tokens.manager);
    john = client(server.url, acme.tokens.user);
    // A lead whose primary key makes the second item of each job below fail (ERROR).
    await createProcess(admin, LEAD, { lead_id: 'DUP', data: { first_name: 'Taken' } });
    time.advance(1000);
    adminFinished = (await submit(admin, 'POST', BULK_CREATE, [...leads(1, 'ADM'), { lead_id: 'DUP', data: { first_name: 'Again' } }])).job;
    time.advance(1000);
    johnFinished = (await submit(john, 'POST', BULK_CREATE, [...leads(1, 'JOHN'), { lead_id: 'DUP', data: { first_name: 'Again' } }])).job;
    await drain(server.runtime);
    time.advance(1000);
    adminRunning = (await submit(admin, 'POST', BULK_CREATE, leads(3, 'RUN'))).job;
    time.advance(1000);
    johnRunning = (await submit(john, 'POST', BULK_CREATE, leads(2, 'JRUN'))).job;
  });
  after(() => server.close());

  it('lists only its own jobs, filtered before paging (hasMore and skip count only those)', async () => {
    assert.equal(johnFinished.createdBy, acme.userIds.john);
    assert.deepEqual(await listedIds(john), [johnRunning.id, johnFinished.id]);
    const first = await john.get(`${JOBS}?limit=1`);
    assert.deepEqual(dataOf(first).map((j: any) => j.id), [johnRunning.id]);
    assert.equal(first.body._meta.hasMore, true);
    const last = await john.get(`${JOBS}?limit=1&skip=1`);
    assert.deepEqual(dataOf(last).map((j: any) => j.id), [johnFinished.id]);
    assert.equal(last.body._meta.hasMore, false, 'the older ADMIN jobs are not counted');
    assert.deepEqual(dataOf(await john.get(`${JOBS}?completionStatus=SUCCESS`)).map((j: any) => j.id), [johnFinished.id]);
  });

  it("cannot fetch an ADMIN's job or read its entries (404, as if it did not exist)", async () => {
    for (const job of [adminFinished, adminRunning]) {
      assertError(await john.get(`${JOBS}/${job.id}`), 404, 'NOT_FOUND');
      assertError(await john.get(`${JOBS}/${job.id}/entries`), 404, 'NOT_FOUND');
      assertError(await john.get(`${JOBS}/${job.id}/entries?completionStatus=ERROR&limit=5`), 404, 'NOT_FOUND');
    }
  });

  it("cannot cancel an ADMIN's job: 404, and the job is left as it was", async () => {
    const before = await fetchJob(admin, adminRunning.id);
    assert.equal(before.job.completionStatus, 'NOT_STARTED');
    time.advance(1000);
    assertError(await john.post(`${JOBS}/${adminRunning.id}/cancel`), 404, 'NOT_FOUND');
    assert.deepEqual(await fetchJob(admin, adminRunning.id), before);
    assert.deepEqual(before.counts, counts({ NOT_STARTED: 3 }));
    // Visibility comes before the "already finished" rule: 404, not 409.
    assertError(await john.post(`${JOBS}/${adminFinished.id}/cancel`), 404, 'NOT_FOUND');
  });

  it("cannot retry an ADMIN's job: 404 before any other rule, and no job is created", async () => {
    const jobsBefore = await listedIds(admin);
    assert.deepEqual((await fetchJob(admin, adminFinished.id)).counts, counts({ SUCCESS: 1, ERROR: 1 }));
    time.advance(1000);
    assertError(await john.post(`${JOBS}/${adminFinished.id}/retry`), 404, 'NOT_FOUND');
    // A running job would be 409 and one without ERROR entries 400 for its creator; for john both are 404.
    assertError(await john.post(`${JOBS}/${adminRunning.id}/retry`), 404, 'NOT_FOUND');
    assert.deepEqual(await listedIds(admin), jobsBefore);
  });

  it('fetches, reads the entries of, retries and cancels its own jobs', async () => {
    const fetched = await fetchJob(john, johnFinished.id);
    assert.deepEqual(fetched.counts, counts({ SUCCESS: 1, ERROR: 1 }));
    const entries = await allEntries(john, johnFinished.id);
    assert.deepEqual(entries.map((e) => e.completionStatus), ['SUCCESS', 'ERROR']);

    const retried = dataOf(await john.post(`${JOBS}/${johnFinished.id}/retry`));
    assert.equal(retried.retryOf, johnFinished.id);
    assert.equal(retried.createdBy, acme.userIds.john);
    assert.equal(retried.totalEntries, 1);

    const cancelled = dataOf(await john.post(`${JOBS}/${johnRunning.id}/cancel`));
    assert.equal(cancelled.completionStatus, 'CANCELLED');
    assert.deepEqual((await fetchJob(john, johnRunning.id)).counts, counts({ CANCELLED: 2 }));
    assert.deepEqual(await listedIds(john, 2), [retried.id, johnRunning.id, johnFinished.id]);
  });

  it('MANAGER and ADMIN keys keep the view of every job of the team', async () => {
    const everyJob = await listedIds(admin);
    for (const job of [adminFinished, adminRunning, johnFinished, johnRunning]) assert.ok(everyJob.includes(job.id));
    assert.deepEqual(await listedIds(manager), everyJob);
    for (const job of [adminFinished, johnFinished]) {
      assert.equal((await fetchJob(manager, job.id)).job.id, job.id);
      assert.equal((await allEntries(manager, job.id)).length, 2);
    }
    const cancelled = dataOf(await manager.post(`${JOBS}/${adminRunning.id}/cancel`));
    assert.equal(cancelled.completionStatus, 'CANCELLED');
    assert.equal(dataOf(await manager.post(`${JOBS}/${adminFinished.id}/retry`)).retryOf, adminFinished.id);
  });
});
