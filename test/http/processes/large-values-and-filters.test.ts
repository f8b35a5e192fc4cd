import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { dataOf, LEAD } from '../../support/processes.ts';

/**
 * Values and filters at the documented limits work on both databases: text up to 65,535
 * characters in an indexed attribute (PostgreSQL's B-tree entries hold about 2,700 bytes), and a
 * `where` of 200 conditions with arrays of 200 values (SQLite binds at most 32,766 parameters).
 */
describe('List Processes: values and filters at the documented limits', () => {
  let server: TestServer;
  let team: SeededTeam;
  let c: ReturnType<typeof client>;
  const long = (n: number, tail: string) => `${'ü'.repeat(n - tail.length)}${tail}`;

  before(async () => {
    server = await startTestServer();
    team = await seedTeam(server.runtime, 'acme');
    c = client(server.url, team.tokens.admin);
  });
  after(() => server.close());

  it('stores and filters 3,000- and 65,535-character values of an indexed text attribute', async () => {
    const values = [long(3000, 'a'), long(3000, 'b'), long(65_535, 'z'), 'short'];
    const ids: string[] = [];
    for (const last_name of values) {
      const res = await c.post(LEAD, { data: { first_name: 'Long', last_name } });
      assert.equal(res.status, 200, JSON.stringify(res.body._errors));
      assert.equal(res.body._data.data.last_name, last_name);
      ids.push(res.body._data.id);
    }
    const find = async (where: unknown, sort?: unknown) => {
      const res = await c.post(`${LEAD}/list`, { where, sort, limit: 100 });
      assert.equal(res.status, 200, JSON.stringify(res.body._errors));
      return dataOf(res).map((p: any) => ids.indexOf(p.id));
    };
    // Values that share their first 512 characters (PostgreSQL's index prefix) stay apart.
    assert.deepEqual(await find({ last_name: values[0] }), [0]);
    assert.deepEqual(await find({ last_name: values[2] }), [2]);
    assert.deepEqual((await find({ last_name: [values[1], values[2]] })).sort(), [1, 2]);
    assert.deepEqual(await find({ last_name: { '>': values[0], '<': values[2] } }), [1]);
    assert.deepEqual(await find({ last_name: { '>=': values[1] } }, [{ field: 'last_name', order: 'asc' }]), [1, 2]);
    assert.deepEqual(await find({ first_name: 'Long' }, [{ field: 'last_name', order: 'asc' }]), [3, 0, 1, 2]);
    assert.deepEqual(await find({ first_name: 'Long' }, [{ field: 'last_name', order: 'desc' }]), [2, 1, 0, 3]);
  });

  it('answers a where of 200 conditions, each an array of 200 values', async () => {
    const made: string[] = [];
    for (let i = 0; i < 3; i++) made.push((await c.post(LEAD, { data: { first_name: `Wide ${i}`, score: i } })).body._data.id);
    const values = (offset: number) => Array.from({ length: 200 }, (_, i) => `Wide ${(i + offset) % 200}`);
    const conditions = Array.from({ length: 200 }, (_, i) => ({ first_name: values(i) }));
    const res = await c.post(`${LEAD}/list`, { where: { and: conditions }, includeTotal: true, limit: 100 });
    assert.equal(res.status, 200, JSON.stringify(res.body._errors));
    assert.deepEqual(dataOf(res).map((p: any) => p.id).sort(), [...made].sort());
    assert.equal(res.body._meta.total, 3);
    const numbers = Array.from({ length: 200 }, (_, i) => ({ score: Array.from({ length: 200 }, (_, j) => j * 2 + (i % 2)) }));
    const scored = await c.post(`${LEAD}/list`, { where: { or: numbers }, includeTotal: true });
    assert.equal(scored.status, 200, JSON.stringify(scored.body._errors));
    assert.equal(scored.body._meta.total, 3);
  });
});
