import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { assertError, dataOf, manualClock, type Client } from '../../support/processes.ts';
import { BULK_CREATE, JOBS, countedInDatabase, counts, drain, fetchJob, leads, submit } from '../bulk/bulk-support.ts';

const DAY = 24 * 60 * 60 * 1000;

describe('Finished jobs are kept 30 days, then removed with their entries (API.md §5 limits)', () => {
  const time = manualClock();
  let server: TestServer;
  let admin: Client;
  let finished: string;
  let waiting: string;
  let recent: string;

  before(async () => {
    server = await startTestServer({ clock: time.clock });
    const acme = await seedTeam(server.runtime, 'acme');
    admin = client(server.url, acme.tokens.admin);
    // Day 0: one job runs to the end; another is accepted just after and left waiting.
    finished = (await submit(admin, 'POST', BULK_CREATE, leads(3, 'OLD'))).job.id;
    time.advance(1000);
    waiting = (await submit(admin, 'POST', BULK_CREATE, leads(2, 'WAIT'))).job.id;
    assert.equal(await server.runtime.engine.runOnce(), 1, 'only the older job runs');
    assert.equal((await fetchJob(admin, finished)).job.completionStatus, 'SUCCESS');
    assert.equal((await fetchJob(admin, waiting)).job.completionStatus, 'NOT_STARTED');
    // Day 25: a job finishes (here by cancelling it).
    time.advance(25 * DAY);
    recent = (await submit(admin, 'POST', BULK_CREATE, leads(2, 'NEW'))).job.id;
    dataOf(await admin.post(`${JOBS}/${recent}/cancel`));
  });
  after(() => server.close());

  it('before 30 days have passed, maintenance keeps everything', async () => {
    time.advance(4 * DAY);
    await server.runtime.maintenance();
    for (const id of [finished, waiting, recent]) await fetchJob(admin, id);
    assert.deepEqual(await countedInDatabase(server.runtime, finished), counts({ SUCCESS: 3 }));
  });

  it('after 31 days: the finished job and its entries are gone; the unfinished and the recent one stay', async () => {
    time.advance(2 * DAY);
    await server.runtime.maintenance();
    assertError(await admin.get(`${JOBS}/${finished}`), 404, 'NOT_FOUND');
    assertError(await admin.get(`${JOBS}/${finished}/entries`), 404, 'NOT_FOUND');
    assert.deepEqual(await countedInDatabase(server.runtime, finished), counts({}), 'no entry rows are left');
    assert.deepEqual(dataOf(await admin.get(JOBS)).map((j: any) => j.id), [recent, waiting]);

    assert.equal((await fetchJob(admin, waiting)).job.completionStatus, 'NOT_STARTED');
    assert.deepEqual(await countedInDatabase(server.runtime, waiting), counts({ NOT_STARTED: 2 }));
    assert.equal((await fetchJob(admin, recent)).job.completionStatus, 'CANCELLED');
  });

  it('the processes the purged job created are not touched', async () => {
    const list = await admin.post('/v1/ext/procedure/lead/process/list', { where: { lead_id: ['OLD-0', 'OLD-1', 'OLD-2'] }, includeTotal: true });
    assert.equal(list.body._meta.total, 3);
  });

  it('the old unfinished job still runs to the end afterwards', async () => {
    await drain(server.runtime);
    const { job, counts: meta } = await fetchJob(admin, waiting);
    assert.equal(job.completionStatus, 'SUCCESS');
    assert.deepEqual(meta, counts({ SUCCESS: 2 }));
  });
});

describe('JOB_RETENTION_DAYS sets how long finished jobs are kept', () => {
  const time = manualClock();
  let server: TestServer;
  let admin: Client;

  before(async () => {
    server = await startTestServer({ clock: time.clock, env: { JOB_RETENTION_DAYS: '2' } });
    const acme = await seedTeam(server.runtime, 'acme');
    admin = client(server.url, acme.tokens.admin);
  });
  after(() => server.close());

  it('a job finished 1 day ago stays; one finished 3 days ago is removed', async () => {
    const old = (await submit(admin, 'POST', BULK_CREATE, leads(1, 'OLD'))).job.id;
    await drain(server.runtime);
    time.advance(2 * DAY);
    const young = (await submit(admin, 'POST', BULK_CREATE, leads(1, 'YOUNG'))).job.id;
    await drain(server.runtime);
    time.advance(DAY);
    await server.runtime.maintenance();
    assertError(await admin.get(`${JOBS}/${old}`), 404, 'NOT_FOUND');
    assert.equal((await fetchJob(admin, young)).job.completionStatus, 'SUCCESS');
  });
});
