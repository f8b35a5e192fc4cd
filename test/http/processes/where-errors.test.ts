import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { client } from '../../support/http.ts';
import {
  assertInvalidQuery, expectedCodes, listDeals, matching, startListFixture, type ListFixture,
} from '../../support/list-fixtures.ts';

/** List Processes: a bad where, sort, skip or limit is refused with a message naming it (API.md §3). */

/** A query `depth` levels deep: each level is one more `or` around a single condition. */
function nested(depth: number): Record<string, unknown> {
  return depth <= 1 ? { qty: 9 } : { or: [nested(depth - 1)] };
}

describe('List Processes: refused queries', () => {
  let f: ListFixture;
  const refused = async (where: unknown) => assertInvalidQuery(await listDeals(f, { where }));
  before(async () => {
    f = await startListFixture();
  });
  after(() => f.server.close());

  it('refuses an unknown key, naming it and where it is', async () => {
    assert.match(await refused({ colour: 'red' }), /'colour'/);
    assert.match(await refused({ or: [{ qty: 9 }, { and: [{ colour: 'red' }] }] }), /'colour'.*where\.or\[1\]\.and\[0\]/);
    assert.match(await refused({ Qty: 9 }), /'Qty'/);
    assert.match(await refused({ 'data.qty': 9 }), /'data\.qty'/);
  });

  it('refuses an unknown operator and an empty operator object', async () => {
    assert.match(await refused({ qty: { '~': 5 } }), /where\.qty.*'~'/);
    assert.match(await refused({ qty: { like: '9%' } }), /'like'/);
    assert.match(await refused({ qty: { $gt: 5 } }), /'\$gt'/);
    assert.match(await refused({ qty: {} }), /where\.qty/);
  });

  it('refuses ordering operators where values have no order', async () => {
    assert.match(await refused({ active: { '>': true } }), /where\.active.*'>'/);
    assert.match(await refused({ tags: { '<=': 'red' } }), /'tags'/);
    assert.match(await refused({ status: { '>': 'OPEN' } }), /'status'/);
    assert.match(await refused({ assignedTo: { '<': 'priya' } }), /'assignedTo'/);
    assert.match(await refused({ qty: { '>': null } }), /where\.qty/);
  });

  it('refuses values that cannot be read, naming their path', async () => {
    assert.match(await refused({ qty: 'abc' }), /where\.qty/);
    assert.match(await refused({ qty: ['1', 'two'] }), /where\.qty\[1\]/);
    assert.match(await refused({ qty: { '=': [1, 2] } }), /where\.qty/);
    assert.match(await refused({ qty: { '>': { '<': 3 } } }), /where\.qty/);
    assert.match(await refused({ qty: [1, null] }), /where\.qty\[1\]/);
    assert.match(await refused({ createdAt: { '>': 'last week' } }), /where\.createdAt/);
    assert.match(await refused({ id: 'not-a-uuid' }), /where\.id/);
    assert.match(await refused({ notes: 'x' }), /'notes'/);
  });

  it('refuses an unknown state or user', async () => {
    assert.match(await refused({ state: 'DONE' }), /DONE/);
    assert.match(await refused({ state: ['NEW', 'new'] }), /where\.state\[1\].*"new"/);
    assert.match(await refused({ assignedTo: 'nobody' }), /where\.assignedTo.*nobody/);
    assert.match(await refused({ createdBy: '01890000-0000-7000-8000-000000000000' }), /01890000-0000-7000-8000-000000000000/);
    assert.match(await refused({ owner: 'nobody' }), /where\.owner.*nobody/);
  });

  it('reports several problems at once', async () => {
    const res = await listDeals(f, { where: { colour: 1, qty: 'x', state: 'DONE' } });
    assertInvalidQuery(res);
    assert.ok(res.body._errors.length >= 3, JSON.stringify(res.body._errors));
  });

  it('accepts 8 levels of nesting and refuses 9', async () => {
    assert.deepEqual(await matching(f, nested(8)), expectedCodes(f, (d) => d.data.qty === 9));
    assert.match(await refused(nested(9)), /8/);
  });

  it('accepts 200 conditions and refuses 201', async () => {
    const conditions = (n: number) => ({ or: Array.from({ length: n }, (_, k) => ({ qty: k - 100 })) });
    assert.deepEqual(await matching(f, conditions(200)), expectedCodes(f, (d) => d.data.qty >= -100 && d.data.qty < 100));
    assert.match(await refused(conditions(201)), /200/);
    // Keys of one object are unique, so many conditions on one field are spread over "and" items.
    const spread = (n: number) => ({ and: Array.from({ length: n }, (_, k) => ({ qty: { '!=': k + 1000 } })) });
    assert.deepEqual(await matching(f, spread(200)), expectedCodes(f, () => true));
    assert.match(await refused(spread(201)), /200/);
  });

  it('refuses a where that is not a query object', async () => {
    for (const where of ['qty = 9', 42, true, [{ qty: 9 }]]) {
      assert.match(await refused(where), /where/, JSON.stringify(where));
    }
    assert.match(await refused({ or: { qty: 9 } }), /where\.or/);
    assert.match(await refused({ and: [{ qty: 9 }, 'qty = 10'] }), /where\.and\[1\]/);
  });

  it('refuses a sort on an unknown or multi-valued field', async () => {
    assert.match(assertInvalidQuery(await listDeals(f, { sort: [{ field: 'colour', order: 'asc' }] })), /'colour'/);
    assert.match(assertInvalidQuery(await listDeals(f, { sort: [{ field: 'tags', order: 'asc' }] })), /'tags'/);
    assert.match(assertInvalidQuery(await listDeals(f, { sort: [{ field: 'notes' }] })), /'notes'/);
    const res = await listDeals(f, { sort: [{ field: 'qty', order: 'up' }] });
    assert.equal(res.status, 400);
    assert.match(res.body._errors.join('\n'), /sort\[0\]\.order/);
  });

  it('refuses limit 0, a negative skip and unknown body fields', async () => {
    for (const body of [{ limit: 0 }, { limit: -1 }, { limit: 2.5 }, { limit: '10' }, { skip: -1 }, { skip: 1.5 }]) {
      const res = await listDeals(f, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.body._errors.join('\n'), new RegExp(Object.keys(body)[0]));
    }
    const res = await listDeals(f, { filter: { qty: 9 } });
    assert.equal(res.status, 400);
    assert.match(res.body._errors.join('\n'), /filter/);
  });

  it('clamps a limit above 100 to 100', async () => {
    const admin = client(f.server.url, f.tokens.admin);
    for (let k = f.deals.length; k <= 100; k += 1) {
      const res = await admin.post('/v1/ext/procedure/deal/process', { data: { code: `X-${k}` } });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }
    const res = await listDeals(f, { limit: 500 });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body._meta, { hasMore: true, skip: 0, limit: 100 });
    assert.equal(res.body._data.length, 100);
    const rest = await listDeals(f, { limit: 500, skip: 100, includeTotal: true });
    assert.deepEqual(rest.body._meta, { hasMore: false, skip: 100, limit: 100, total: 101 });
    assert.equal(rest.body._data.length, 1);
  });
});
