import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { LEAD, assertError, configIds, createProcess, dataOf, fetchProcess, type Client } from '../../support/processes.ts';
import { BULK_CREATE, BULK_UPDATE, JOBS, allEntries, counts, drain, fetchJob, leads, submit } from '../bulk/bulk-support.ts';

describe("Background jobs are the team's own: another team cannot see or touch them (API.md §5)", () => {
  let server: TestServer;
  let acme: Client;
  let globex: Client;
  let finished: string;
  let waiting: string;
  let acmeLead: any;
  let acmeToken: string;

  before(async () => {
    server = await startTestServer();
    const a = await seedTeam(server.runtime, 'acme');
    const b = await seedTeam(server.runtime, 'globex');
    acmeToken = a.tokens.admin;
    acme = client(server.url, acmeToken);
    globex = client(server.url, b.tokens.admin);
    acmeLead = await createProcess(acme, LEAD, { lead_id: 'SHARED', data: { first_name: 'Acme lead', score: 1 } });
    finished = (await submit(acme, 'POST', BULK_CREATE, [...leads(2, 'A'), { lead_id: 'SHARED', data: { first_name: 'Dup' } }])).job.id;
    await drain(server.runtime);
    waiting = (await submit(acme, 'POST', BULK_CREATE, leads(2, 'W'))).job.id;
  });
  after(() => server.close());

  it("another team's job: fetch, entries, cancel and retry all answer 404", async () => {
    for (const id of [finished, waiting]) {
      assertError(await globex.get(`${JOBS}/${id}`), 404, 'NOT_FOUND');
      assertError(await globex.get(`${JOBS}/${id}/entries`), 404, 'NOT_FOUND');
      assertError(await globex.get(`${JOBS}/${id}/entries?completionStatus=SUCCESS`), 404, 'NOT_FOUND');
      assertError(await globex.post(`${JOBS}/${id}/cancel`), 404, 'NOT_FOUND');
      assertError(await globex.post(`${JOBS}/${id}/retry`), 404, 'NOT_FOUND');
    }
  });

  it("another team's attempts changed nothing", async () => {
    assert.equal((await fetchJob(acme, waiting)).job.completionStatus, 'NOT_STARTED', 'not cancelled');
    assert.deepEqual(dataOf(await acme.get(JOBS)).map((j: any) => j.id), [waiting, finished], 'no retry job was made');
  });

  it("another team's list does not show them; its own jobs are listed apart", async () => {
    assert.deepEqual(dataOf(await globex.get(JOBS)), []);
    const own = (await submit(globex, 'POST', BULK_CREATE, leads(1, 'G'))).job.id;
    assert.deepEqual(dataOf(await globex.get(JOBS)).map((j: any) => j.id), [own]);
    assert.ok(!dataOf(await acme.get(JOBS)).some((j: any) => j.id === own));
    assertError(await acme.get(`${JOBS}/${own}`), 404, 'NOT_FOUND');
  });

  it("a bulk update cannot reach another team's process, by UUID or by key", async () => {
    const { job } = await submit(globex, 'PATCH', BULK_UPDATE, {
      processes: [{ id: acmeLead.id, data: { score: 99 } }, { lead_id: 'SHARED', data: { score: 99 } }, { id: acmeLead.id, isDeleted: true }],
    });
    await drain(server.runtime);
    assert.deepEqual((await fetchJob(globex, job.id)).counts, counts({ ERROR: 3 }));
    assert.ok((await allEntries(globex, job.id)).every((e) => /not found/.test(e.completionMessage)));
    const untouched = await fetchProcess(acme, LEAD, acmeLead.id);
    assert.equal(untouched.data.score, 1);
    assert.equal(untouched.isDeleted, false);
  });

  it("a bulk request naming another team's procedure by UUID → 404", async () => {
    const ids = await configIds(server.url, acmeToken);
    assertError(await globex.post(`/v1/ext/procedure/${ids.procedures.lead}/process/bulk-create`, leads(1, 'X')), 404, 'NOT_FOUND');
    assertError(await globex.patch(`/v1/ext/procedure/${ids.procedures.lead}/process`, { processes: [{ id: acmeLead.id, data: {} }] }), 404, 'NOT_FOUND');
  });

  it("a team's bulk create goes into its own procedure, whatever key values the other team holds", async () => {
    const { job } = await submit(globex, 'POST', BULK_CREATE, [{ lead_id: 'SHARED', data: { first_name: 'Globex lead' } }]);
    await drain(server.runtime);
    const [entry] = await allEntries(globex, job.id);
    assert.equal(entry.completionStatus, 'SUCCESS', 'primary keys are unique per team');
    assertError(await acme.get(`${LEAD}/${entry.completionResult.processId}`), 404, 'NOT_FOUND');
  });
});
