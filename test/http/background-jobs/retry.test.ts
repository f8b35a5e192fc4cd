import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { LEAD, UNKNOWN_UUID, assertError, createProcess, dataOf, fetchProcess, manualClock, type Client } from '../../support/processes.ts';
import { BULK_CREATE, BULK_UPDATE, JOBS, allEntries, counts, drain, fetchJob, leads, submit } from '../bulk/bulk-support.ts';

describe('Retry a background job: a new job with the ERROR items (API.md §5, extension)', () => {
  const time = manualClock();
  let server: TestServer;
  let acme: SeededTeam;
  let admin: Client;
  let manager: Client;

  before(async () => {
    server = await startTestServer({ clock: time.clock });
    acme = await seedTeam(server.runtime, 'acme');
    admin = client(server.url, acme.tokens.admin);
    manager = client(server.url, acme.tokens.manager);
  });
  after(() => server.close());

  const retry = (c: Client, id: string) => c.post(`${JOBS}/${id}/retry`);

  it('retries exactly the ERROR items, in order, as a new job that then succeeds once the cause is gone', async () => {
    const blockers = [
      await createProcess(admin, LEAD, { lead_id: 'R-1', data: { first_name: 'Blocker 1' } }),
      await createProcess(admin, LEAD, { lead_id: 'R-3', data: { first_name: 'Blocker 3' } }),
    ];
    const items = [
      { lead_id: 'R-0', data: { first_name: 'Zero' } },
      { lead_id: 'R-1', data: { first_name: 'One' } },
      { lead_id: 'R-2', data: { first_name: 'Two', score: 'bad' } },
      { lead_id: 'R-3', data: { first_name: 'Three' }, state: 'IN_PROGRESS' },
    ];
    const { job: old } = await submit(manager, 'POST', BULK_CREATE, items);
    assertError(await retry(manager, old.id), 409, 'CONFLICT');
    await drain(server.runtime);
    assert.deepEqual((await fetchJob(manager, old.id)).counts, counts({ SUCCESS: 1, ERROR: 2, INVALID: 1 }));

    const retriedAt = time.advance(1000);
    const res = await retry(manager, old.id);
    const job = dataOf(res);
    assert.notEqual(job.id, old.id);
    assert.equal(job.retryOf, old.id);
    assert.equal(job.completionStatus, 'NOT_STARTED');
    assert.equal(job.apiType, 'process:ext-create');
    assert.equal(job.procedure, old.procedure);
    assert.equal(job.createdBy, acme.userIds.ravi);
    assert.equal(job.createdAt, retriedAt);
    assert.equal(job.totalEntries, 2, 'only the ERROR entries; the INVALID one would fail the same way');
    assert.deepEqual(res.body._meta.bjEntryCompletionStatusVsCount, counts({ NOT_STARTED: 2 }));
    const entries = await allEntries(manager, job.id);
    assert.deepEqual(entries.map((e) => [e.index, e.data.apiData]), [[0, items[1]], [1, items[3]]]);

    for (const b of blockers) dataOf(await admin.delete(`${LEAD}/${b.id}`));
    await drain(server.runtime);
    const after = await fetchJob(manager, job.id);
    assert.equal(after.job.completionStatus, 'SUCCESS');
    assert.deepEqual(after.counts, counts({ SUCCESS: 2 }));
    const done = await allEntries(manager, job.id);
    const three = await fetchProcess(admin, LEAD, done[1].completionResult.processId);
    assert.equal(three.data.lead_id, 'R-3');
    assert.equal(three.data.first_name, 'Three');
    assert.deepEqual((await fetchJob(manager, old.id)).counts, counts({ SUCCESS: 1, ERROR: 2, INVALID: 1 }), 'the old job is unchanged');
  });

  it('a bulk update job retries as a bulk update job', async () => {
    const { job: old } = await submit(admin, 'PATCH', BULK_UPDATE, { processes: [{ lead_id: 'LATER', data: { score: 5 } }] });
    await drain(server.runtime);
    assert.deepEqual((await fetchJob(admin, old.id)).counts, counts({ ERROR: 1 }));
    const p = await createProcess(admin, LEAD, { lead_id: 'LATER', data: { first_name: 'Later' } });
    const job = dataOf(await retry(admin, old.id));
    assert.equal(job.apiType, 'process:ext-update');
    await drain(server.runtime);
    assert.deepEqual((await fetchJob(admin, job.id)).counts, counts({ SUCCESS: 1 }));
    assert.equal((await fetchProcess(admin, LEAD, p.id)).data.score, 5);
  });

  it('while the job is still running (some entries done) → 409', async () => {
    const { job } = await submit(admin, 'POST', BULK_CREATE, [...leads(2500, 'RUN'), { lead_id: 'RUN-0', data: { first_name: 'Dup' } }]);
    assert.equal(await server.runtime.engine.runOnce(), 1);
    assert.equal((await fetchJob(admin, job.id)).job.completionStatus, 'IN_PROGRESS');
    assertError(await retry(admin, job.id), 409, 'CONFLICT');
    await drain(server.runtime);
    const finished = await fetchJob(admin, job.id);
    assert.deepEqual(finished.counts, counts({ SUCCESS: 2500, ERROR: 1 }));
    assert.equal(dataOf(await retry(admin, job.id)).totalEntries, 1, 'once finished, it can be retried');
  });

  it('a job with no ERROR entries → 400 (INVALID and CANCELLED entries are not retried)', async () => {
    const { job: clean } = await submit(admin, 'POST', BULK_CREATE, [...leads(2, 'CLEAN'), { data: { nope: 1 } }]);
    await drain(server.runtime);
    assertError(await retry(admin, clean.id), 400, 'BAD_REQUEST');
    const { job: cancelled } = await submit(admin, 'POST', BULK_CREATE, leads(2, 'CANC'));
    dataOf(await admin.post(`${JOBS}/${cancelled.id}/cancel`));
    assertError(await retry(admin, cancelled.id), 400, 'BAD_REQUEST');
  });

  it('a job id that is not a UUID → 400; an unknown one → 404', async () => {
    assertError(await retry(admin, 'x'), 400, 'BAD_REQUEST');
    assertError(await retry(admin, UNKNOWN_UUID), 404, 'NOT_FOUND');
  });
});
