import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { call, client } from '../../support/http.ts';
import { dataOf, LEAD } from '../../support/processes.ts';
import { BULK_CREATE, drain, leads, submit } from '../bulk/bulk-support.ts';
import { TEST_DIALECT } from '../../support/env.ts';

const PROCESSES = 8_000;

/**
 * One valid but expensive list (199 `!=` conditions, each read from every process's JSON, with a
 * total) must not stop the server answering others: while five of them run, health checks and
 * fetches by id keep answering. On SQLite the lists run on reader threads; on PostgreSQL every
 * query runs on the database server anyway.
 */
describe('List Processes: expensive queries do not stall other requests', () => {
  let server: TestServer;
  let team: SeededTeam;
  let someId: string;

  before(async () => {
    server = await startTestServer();
    team = await seedTeam(server.runtime, 'acme');
    const c = client(server.url, team.tokens.admin);
    const items = leads(PROCESSES, 'H', (i) => ({ score: i % 97, city: ['Pune', 'Goa', 'Delhi'][i % 3] }));
    await submit(c, 'POST', BULK_CREATE, items);
    await drain(server.runtime, 1000);
    const page = await c.post(`${LEAD}/list`, { limit: 1 });
    someId = dataOf(page)[0].id;
  });
  after(() => server.close());

  const heavyWhere = () => {
    const where: Record<string, unknown> = {};
    const conditions: unknown[] = [];
    for (let i = 0; i < 199; i++) conditions.push({ score: { '!=': 1000 + i } });
    where.and = conditions;
    return where;
  };

  it('answers /healthz and a fetch by id at once while five such lists run', async () => {
    const c = client(server.url, team.tokens.admin);
    const started = performance.now();
    let heavyDone = 0;
    const heavy = Array.from({ length: 5 }, () =>
      c.post(`${LEAD}/list`, { where: heavyWhere(), includeTotal: true, limit: 10 }).then((res) => {
        heavyDone++;
        return { res, ms: performance.now() - started };
      }));
    const latencies: number[] = [];
    while (heavyDone < 5) {
      const t0 = performance.now();
      const [health, fetched] = await Promise.all([
        call(server.url, 'GET', '/healthz'),
        c.get(`${LEAD}/${someId}`),
      ]);
      latencies.push(performance.now() - t0);
      assert.equal(health.status, 200);
      assert.equal(fetched.status, 200);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const results = await Promise.all(heavy);
    for (const { res } of results) {
      assert.equal(res.status, 200, JSON.stringify(res.body._errors));
      assert.equal(res.body._meta.total, PROCESSES);
    }
    const slowestHeavy = Math.max(...results.map((r) => r.ms));
    const worst = Math.max(...latencies);
    // Measured while the expensive lists were running, which took far longer than any answer here:
    // a blocked event loop would show up as an answer as slow as a whole list.
    assert.ok(latencies.length >= 3, `sampled ${latencies.length} times while the lists ran (${slowestHeavy.toFixed(0)} ms)`);
    assert.ok(worst < Math.max(250, slowestHeavy / 4), `slowest answer ${worst.toFixed(0)} ms while the lists took ${slowestHeavy.toFixed(0)} ms`);
  });
});

/**
 * PostgreSQL also gives such a read a time budget (QUERY_TIMEOUT_MS): past it the database
 * cancels the query and the client gets a clear 503 instead of waiting. (SQLite's reader threads
 * cannot interrupt a query; they only keep it off the event loop.)
 */
describe('List Processes: a read past its time budget is cancelled with a clear error', { skip: TEST_DIALECT === 'sqlite' ? 'PostgreSQL only: node:sqlite cannot interrupt a running query' : false }, () => {
  let server: TestServer;
  let team: SeededTeam;

  before(async () => {
    server = await startTestServer({ env: { QUERY_TIMEOUT_MS: '5' } });
    team = await seedTeam(server.runtime, 'acme');
  });
  after(() => server.close());

  it('answers 503 QUERY_TIMEOUT for a list that runs past QUERY_TIMEOUT_MS, and keeps serving', async () => {
    const c = client(server.url, team.tokens.admin);
    // Real work past a 5 ms budget: 5,000 processes, each read 199 times, counted and sorted.
    const items = leads(5000, 'T', (i) => ({ score: i % 97 }));
    await submit(c, 'POST', BULK_CREATE, items);
    await drain(server.runtime, 1000);
    const conditions = Array.from({ length: 199 }, (_, i) => ({ first_name: { '!=': `x${i}` } }));
    const res = await c.post(`${LEAD}/list`, { where: { and: conditions }, includeTotal: true, sort: [{ field: 'first_name', order: 'asc' }], skip: 4990 });
    assert.equal(res.status, 503, JSON.stringify(res.body));
    assert.equal(res.body._meta.code, 'QUERY_TIMEOUT');
    assert.match(res.body._errors[0], /time budget/);
    // Writes and fetches use connections of their own, without the budget.
    const created = await c.post(LEAD, { data: { first_name: 'After' } });
    assert.equal(created.status, 200);
    assert.equal((await c.get(`${LEAD}/${created.body._data.id}`)).status, 200);
  });
});
