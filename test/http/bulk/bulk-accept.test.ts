import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { call, client } from '../../support/http.ts';
import { UUID, assertError, assertMessage, configIds, dataOf, manualClock, type Client, type ConfigIds } from '../../support/processes.ts';
import { BULK_CREATE, BULK_UPDATE, JOB_KEYS, JOBS, counts, fetchJob, leads, submit } from './bulk-support.ts';

describe('Bulk Create / Bulk Update: the request is accepted as a background job (API.md §3 rows 8–9, §5)', () => {
  const time = manualClock();
  let server: TestServer;
  let acme: SeededTeam;
  let ids: ConfigIds;
  let manager: Client;

  before(async () => {
    server = await startTestServer({ clock: time.clock });
    acme = await seedTeam(server.runtime, 'acme');
    ids = await configIds(server.url, acme.tokens.admin);
    manager = client(server.url, acme.tokens.manager);
  });
  after(() => server.close());

  /** The job as it is right after acceptance: nothing has run yet. */
  function assertFreshJob(job: any, meta: any, apiType: string, total: number, now: number): void {
    assert.deepEqual(Object.keys(job).sort(), JOB_KEYS);
    assert.match(job.id, UUID);
    assert.equal(job.createdAt, now);
    assert.equal(job.updatedAt, now);
    assert.equal(job.startedAt, 0, 'no worker has taken it up yet');
    assert.equal(job.completedAt, 0);
    assert.equal(job.completionStatus, 'NOT_STARTED');
    assert.equal(job.statusMessage, null);
    assert.equal(job.team, ids.team);
    assert.equal(job.type, 'bulk_api_job');
    assert.equal(job.createdBy, acme.userIds.ravi, 'the manager key acts as ravi');
    assert.equal(job.apiType, apiType);
    assert.equal(job.procedure, ids.procedures.lead);
    assert.equal(job.totalEntries, total);
    assert.equal(job.retryOf, null);
    assert.deepEqual(meta, counts({ NOT_STARTED: total }), 'all six keys, every entry not started');
  }

  it('Bulk Create takes a JSON array and answers the job object', async () => {
    const now = time.advance();
    const { job, counts: meta } = await submit(manager, 'POST', BULK_CREATE, leads(3, 'ARR'));
    assertFreshJob(job, meta, 'process:ext-create', 3, now);
    const fetched = await fetchJob(manager, job.id);
    assert.deepEqual(fetched.job, job, 'Fetch Background Job answers the same object');
    assert.deepEqual(fetched.counts, meta);
  });

  it('Bulk Create also takes {"processes": [...]}', async () => {
    const now = time.advance();
    const { job, counts: meta } = await submit(manager, 'POST', BULK_CREATE, { processes: leads(2, 'OBJ') });
    assertFreshJob(job, meta, 'process:ext-create', 2, now);
  });

  it('Bulk Update (PATCH) takes {"processes": [...]} and answers a process:ext-update job', async () => {
    const now = time.advance();
    const body = { processes: [{ lead_id: 'ARR-0', update: { data: { score: 1 } } }, { id: 'ARR-1', data: { score: 2 } }] };
    const { job, counts: meta } = await submit(manager, 'PATCH', BULK_UPDATE, body);
    assertFreshJob(job, meta, 'process:ext-update', 2, now);
  });

  it('accepts the /v1/procedure/... paths of the old docs as aliases, and the procedure UUID for its shortId', async () => {
    for (const procedure of ['lead', ids.procedures.lead]) {
      let now = time.advance();
      const created = await submit(manager, 'POST', `/v1/procedure/${procedure}/process/bulk-create`, leads(1, `ALIAS-${procedure}`));
      assertFreshJob(created.job, created.counts, 'process:ext-create', 1, now);
      now = time.advance();
      const updated = await submit(manager, 'PATCH', `/v1/procedure/${procedure}/process`, { processes: [{ id: 'ARR-0', data: { score: 3 } }] });
      assertFreshJob(updated.job, updated.counts, 'process:ext-update', 1, now);
    }
    const now = time.advance();
    const byUuid = await submit(manager, 'POST', `/v1/ext/procedure/${ids.procedures.lead}/process/bulk-create`, leads(1, 'UUID'));
    assertFreshJob(byUuid.job, byUuid.counts, 'process:ext-create', 1, now);
  });

  it('needs a valid token', async () => {
    const res = await call(server.url, 'POST', BULK_CREATE, { json: leads(1, 'NOAUTH') });
    assertError(res, 401, 'UNAUTHORIZED');
  });
});

describe('Bulk requests that are refused store nothing (API.md §3, §5 limits)', () => {
  let server: TestServer;
  let admin: Client;
  let raw: (method: string, path: string, body: string) => ReturnType<typeof call>;

  before(async () => {
    // A small item limit and body limit, so both can be crossed cheaply.
    server = await startTestServer({ env: { BULK_MAX_ITEMS: '50', BULK_BODY_LIMIT: '8192' } });
    const acme = await seedTeam(server.runtime, 'acme');
    admin = client(server.url, acme.tokens.admin);
    raw = (method, path, body) => call(server.url, method, path, { token: acme.tokens.admin, body, contentType: 'application/json' });
  });
  after(() => server.close());

  it('an empty list → 400, in every accepted form', async () => {
    assertMessage(assertError(await admin.post(BULK_CREATE, []), 400, 'BAD_REQUEST'), /empty/);
    assertMessage(assertError(await admin.post(BULK_CREATE, { processes: [] }), 400, 'BAD_REQUEST'), /empty/);
    assertMessage(assertError(await admin.patch(BULK_UPDATE, { processes: [] }), 400, 'BAD_REQUEST'), /empty/);
  });

  it('more than BULK_MAX_ITEMS items → 400 naming the limit', async () => {
    assertMessage(assertError(await admin.post(BULK_CREATE, leads(51, 'MAX')), 400, 'BAD_REQUEST'), /at most 50/);
    const updates = Array.from({ length: 51 }, (_, i) => ({ lead_id: `MAX-${i}`, data: { score: i } }));
    assertMessage(assertError(await admin.patch(BULK_UPDATE, { processes: updates }), 400, 'BAD_REQUEST'), /at most 50/);
  });

  it('malformed JSON → 400', async () => {
    assertError(await raw('POST', BULK_CREATE, '[{"lead_id": "X", '), 400, 'BAD_REQUEST');
    assertError(await raw('PATCH', BULK_UPDATE, '{"processes": [}'), 400, 'BAD_REQUEST');
  });

  it('a body that is not a list of items → 400', async () => {
    const refused = [
      await admin.post(BULK_CREATE, { lead_id: 'ONE', data: { first_name: 'One' } }),
      await admin.post(BULK_CREATE, { processes: 'all of them' }),
      await admin.patch(BULK_UPDATE, { id: 'ONE', data: { score: 1 } }),
      await raw('POST', BULK_CREATE, '"items"'),
    ];
    for (const res of refused) {
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.ok(['BAD_REQUEST', 'VALIDATION_FAILED'].includes(res.body._meta.code), res.body._meta.code);
      assert.deepEqual(res.body._data, []);
    }
  });

  it('an unknown procedure → 404, on both endpoints and the aliases', async () => {
    assertError(await admin.post('/v1/ext/procedure/nope/process/bulk-create', leads(1, 'NOPE')), 404, 'NOT_FOUND');
    assertError(await admin.patch('/v1/ext/procedure/nope/process', { processes: [{ id: 'LEAD-1', data: {} }] }), 404, 'NOT_FOUND');
    assertError(await admin.post('/v1/procedure/nope/process/bulk-create', leads(1, 'NOPE')), 404, 'NOT_FOUND');
    assertError(await admin.patch('/v1/procedure/nope/process', { processes: [{ id: 'LEAD-1', data: {} }] }), 404, 'NOT_FOUND');
  });

  it('a body over BULK_BODY_LIMIT → 413', async () => {
    const padding = 'x'.repeat(200);
    const big = Array.from({ length: 45 }, (_, i) => ({ lead_id: `BIG-${i}`, data: { first_name: 'Big', last_name: padding } }));
    assert.ok(JSON.stringify(big).length > 8192);
    assertError(await admin.post(BULK_CREATE, big), 413, 'PAYLOAD_TOO_LARGE');
    assertError(await admin.patch(BULK_UPDATE, { processes: big }), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('after all of those, no job exists and no work is queued', async () => {
    const res = await admin.get(JOBS);
    assert.deepEqual(dataOf(res), []);
    assert.equal(await server.runtime.engine.runOnce(), 0, 'nothing for a worker to do');
    const leadsNow = await admin.post('/v1/ext/procedure/lead/process/list', { includeTotal: true });
    assert.equal(leadsNow.body._meta.total, 0);
    const entries = await server.runtime.db.kysely.selectFrom('background_job_entries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(entries.n), 0, 'no entry rows were left behind');
  });

  it('exactly BULK_MAX_ITEMS items is accepted (the limit is inclusive)', async () => {
    const { job } = await submit(admin, 'POST', BULK_CREATE, leads(50, 'FIFTY'));
    assert.equal(job.totalEntries, 50);
  });
});
