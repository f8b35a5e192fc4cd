import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { LEAD, UNKNOWN_UUID, assertError, createProcess, manualClock, type Client } from '../../support/processes.ts';
import { BULK_CREATE, BULK_UPDATE, JOBS, countedInDatabase, counts, drain, fetchJob, leads, submit } from '../bulk/bulk-support.ts';

describe('Fetch Background Job: the job and its counts through its life (API.md §5)', () => {
  const time = manualClock();
  let server: TestServer;
  let admin: Client;

  before(async () => {
    server = await startTestServer({ clock: time.clock });
    const acme = await seedTeam(server.runtime, 'acme');
    admin = client(server.url, acme.tokens.admin);
  });
  after(() => server.close());

  it('NOT_STARTED → IN_PROGRESS (one partition done) → SUCCESS, with startedAt, completedAt and exact counts', async () => {
    const items = leads(2600, 'LIFE', (i) => (i % 100 === 0 ? { score: 'NaN' } : {}));
    const acceptedAt = time.advance();
    const { job: accepted } = await submit(admin, 'POST', BULK_CREATE, items);

    let { job, counts: meta } = await fetchJob(admin, accepted.id);
    assert.equal(job.completionStatus, 'NOT_STARTED');
    assert.deepEqual([job.createdAt, job.startedAt, job.completedAt], [acceptedAt, 0, 0]);
    assert.deepEqual(meta, counts({ NOT_STARTED: 2600 }));

    const startedAt = time.advance(1000);
    assert.equal(await server.runtime.engine.runOnce(), 1, 'one partition of the two');
    ({ job, counts: meta } = await fetchJob(admin, accepted.id));
    assert.equal(job.completionStatus, 'IN_PROGRESS');
    assert.equal(job.startedAt, startedAt);
    assert.equal(job.completedAt, 0, 'not finished yet');
    assert.equal(job.statusMessage, null);
    assert.ok(meta.NOT_STARTED > 0 && meta.NOT_STARTED < 2600, JSON.stringify(meta));
    assert.equal(meta.SUCCESS + meta.INVALID + meta.NOT_STARTED, 2600);
    assert.deepEqual(meta, await countedInDatabase(server.runtime, job.id));

    const completedAt = time.advance(1000);
    await drain(server.runtime);
    ({ job, counts: meta } = await fetchJob(admin, accepted.id));
    assert.equal(job.completionStatus, 'SUCCESS');
    assert.equal(job.startedAt, startedAt, 'the start is not moved by later batches');
    assert.equal(job.completedAt, completedAt);
    assert.deepEqual(meta, counts({ SUCCESS: 2574, INVALID: 26 }));
    assert.equal(job.statusMessage, '2600 entries: 2574 SUCCESS, 26 INVALID');
  });

  it('counts each outcome exactly, zeros included', async () => {
    await createProcess(admin, LEAD, { lead_id: 'HELD', data: { first_name: 'Holder' } });
    const { job } = await submit(admin, 'PATCH', BULK_UPDATE, {
      processes: [
        { lead_id: 'HELD', data: { score: 1 } },
        { lead_id: 'HELD', data: { score: 2 } },
        { id: UNKNOWN_UUID, data: { score: 3 } },
        { data: { score: 4 } },
        { lead_id: 'HELD', data: { city: 'Atlantis' } },
        { id: 'NOPE', data: { score: 5 } },
        { lead_id: 'HELD', data: { last_name: 'Three' } },
      ],
    });
    await drain(server.runtime);
    const fetched = await fetchJob(admin, job.id);
    assert.deepEqual(fetched.counts, counts({ SUCCESS: 3, ERROR: 2, INVALID: 2 }));
    assert.equal(fetched.job.statusMessage, '7 entries: 3 SUCCESS, 2 ERROR, 2 INVALID');
  });

  it('a job id that is not a UUID → 400; an unknown UUID → 404', async () => {
    assertError(await admin.get(`${JOBS}/12345`), 400, 'BAD_REQUEST');
    assertError(await admin.get(`${JOBS}/${UNKNOWN_UUID}`), 404, 'NOT_FOUND');
  });

  it('the UUID is matched whatever its letter case', async () => {
    const { job } = await submit(admin, 'POST', BULK_CREATE, leads(1, 'CASE'));
    assert.equal((await fetchJob(admin, job.id.toUpperCase())).job.id, job.id);
  });
});
