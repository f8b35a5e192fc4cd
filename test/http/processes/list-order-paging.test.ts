import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  codesOf, compareValues, listDeals, startListFixture, type ListFixture,
} from '../../support/list-fixtures.ts';

/**
 * List Processes order and paging (API.md §3): newest first (createdAt, then id, descending),
 * the `sort` extension, `skip`/`limit` paging with `hasMore`, and `includeTotal`.
 */

type Key = { readonly read: (deal: any) => unknown; readonly order: 'asc' | 'desc' };

/**
 * The expected order: each key in turn, absent values counting as the smallest (first when
 * ascending, last when descending — both databases agree on that), then createdAt and id in the
 * direction of the last key.
 */
function ordered(deals: readonly any[], keys: readonly Key[]): string[] {
  const tie = keys.at(-1)?.order ?? 'desc';
  const byKey = (a: any, b: any, { read, order }: Key): number => {
    const [x, y] = [read(a), read(b)];
    const c = x == null || y == null ? (x == null ? 0 : 1) - (y == null ? 0 : 1) : compareValues(x, y);
    return order === 'asc' ? c : -c;
  };
  const sorted = [...deals].sort((a, b) => {
    for (const key of [...keys, { read: (d: any) => d.createdAt, order: tie }, { read: (d: any) => d.id, order: tie }]) {
      const c = byKey(a, b, key);
      if (c !== 0) return c;
    }
    return 0;
  });
  return codesOf(sorted);
}

const createdDesc: Key[] = [{ read: (d) => d.createdAt, order: 'desc' }];

describe('List Processes: order and paging', () => {
  let f: ListFixture;
  const listed = async (body: Record<string, unknown>) => {
    const res = await listDeals(f, { limit: 100, ...body });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body._meta.hasMore, false);
    return codesOf(res.body._data);
  };
  before(async () => {
    f = await startListFixture();
  });
  after(() => f.server.close());

  it('lists newest first, then by id descending among processes created at the same instant', async () => {
    const expected = ordered(f.deals, createdDesc);
    assert.deepEqual(await listed({}), expected);
    const sameInstant = f.deals.filter((d) => d.createdAt === f.sameInstant).map((d) => d.id);
    assert.ok(sameInstant.length > 2);
    assert.notDeepEqual([...sameInstant].sort().reverse(), sameInstant, 'creation order alone would not give id order');
    const first = await listDeals(f, {});
    assert.deepEqual(first.body._meta, { hasMore: true, skip: 0, limit: 10 });
    assert.deepEqual(codesOf(first.body._data), expected.slice(0, 10));
  });

  it('sorts ascending or descending on a root field', async () => {
    assert.deepEqual(await listed({ sort: [{ field: 'createdAt', order: 'asc' }] }), ordered(f.deals, [{ read: (d) => d.createdAt, order: 'asc' }]));
    assert.deepEqual(await listed({ sort: [{ field: 'createdAt', order: 'asc' }] }), (await listed({})).reverse());
    assert.deepEqual(await listed({ sort: [{ field: 'nextActionAt', order: 'desc' }] }), ordered(f.deals, [{ read: (d) => d.nextActionAt, order: 'desc' }]));
    assert.deepEqual(await listed({ sort: [{ field: 'updatedAt' }] }), ordered(f.deals, [{ read: (d) => d.updatedAt, order: 'asc' }]));
  });

  it('sorts on an attribute, absent values first ascending and last descending', async () => {
    for (const field of ['qty', 'price', 'label', 'due_at', 'slot', 'email']) {
      for (const order of ['asc', 'desc'] as const) {
        const result = await listed({ sort: [{ field, order }] });
        assert.deepEqual(result, ordered(f.deals, [{ read: (d) => d.data[field], order }]), `${field} ${order}`);
        const absent = result.map((code) => f.deals.find((d) => d.data.code === code).data[field] === undefined);
        const count = absent.filter(Boolean).length;
        assert.ok(count > 0 && count < result.length, `${field}: some values present, some absent`);
        const block = order === 'asc' ? absent.slice(0, count) : absent.slice(result.length - count);
        assert.ok(block.every(Boolean), `${field} ${order}: absent values ${order === 'asc' ? 'first' : 'last'}`);
      }
    }
  });

  it('sorts numbers as numbers and text as text', async () => {
    const qty = await listed({ where: { qty: { '!=': null } }, sort: [{ field: 'qty', order: 'asc' }] });
    const values = qty.map((code) => f.deals.find((d) => d.data.code === code).data.qty);
    assert.deepEqual([...new Set(values)], [-5, 0, 2, 9, 10, 100]);
    const labels = await listed({ where: { label: ['9', '10', 'apple', 'Banana'] }, sort: [{ field: 'label', order: 'asc' }] });
    assert.deepEqual([...new Set(labels.map((code) => f.deals.find((d) => d.data.code === code).data.label))], ['10', '9', 'Banana', 'apple']);
  });

  it('sorts on a nullable root field, on a derived attribute and on several keys', async () => {
    assert.deepEqual(await listed({ sort: [{ field: 'assignedTo', order: 'desc' }] }), ordered(f.deals, [{ read: (d) => d.assignedTo, order: 'desc' }]));
    assert.deepEqual(await listed({ sort: [{ field: 'qty_double', order: 'desc' }] }), ordered(f.deals, [{ read: (d) => d.derivedData.qty_double, order: 'desc' }]));
    const keys: Key[] = [{ read: (d) => d.data.tier, order: 'asc' }, { read: (d) => d.data.qty, order: 'desc' }];
    assert.deepEqual(await listed({ sort: [{ field: 'tier', order: 'asc' }, { field: 'qty', order: 'desc' }] }), ordered(f.deals, keys));
    const open = f.deals.filter((d) => d.status === 'OPEN');
    assert.deepEqual(await listed({ where: { status: 'OPEN' }, sort: [{ field: 'price', order: 'desc' }] }), ordered(open, [{ read: (d) => d.data.price, order: 'desc' }]));
  });

  /** Walks every page; checks the page metadata on the way. */
  async function walk(body: Record<string, unknown>, limit: number): Promise<{ codes: string[]; pages: number }> {
    const codes: string[] = [];
    let pages = 0;
    for (let skip = 0; ; skip += limit) {
      const res = await listDeals(f, { ...body, skip, limit, includeTotal: true });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const { hasMore, total } = res.body._meta;
      assert.deepEqual(res.body._meta, { hasMore, skip, limit, total });
      pages += 1;
      codes.push(...codesOf(res.body._data));
      assert.equal(hasMore, codes.length < total, `hasMore on the page at ${skip}`);
      assert.equal(res.body._data.length, hasMore ? limit : total - skip);
      if (!hasMore) return { codes, pages };
    }
  }

  it('walks all pages with skip/limit: each process once, in order, hasMore until the last page', async () => {
    const cases: { body: Record<string, unknown>; expected: string[] }[] = [
      { body: {}, expected: ordered(f.deals, createdDesc) },
      { body: { where: { status: 'OPEN' } }, expected: ordered(f.deals.filter((d) => d.status === 'OPEN'), createdDesc) },
      { body: { sort: [{ field: 'qty', order: 'asc' }] }, expected: ordered(f.deals, [{ read: (d) => d.data.qty, order: 'asc' }]) },
      { body: { where: { tags: 'red' }, sort: [{ field: 'label', order: 'desc' }] }, expected: ordered(f.deals.filter((d) => d.data.tags?.includes('red')), [{ read: (d) => d.data.label, order: 'desc' }]) },
    ];
    for (const { body, expected } of cases) {
      assert.ok(expected.length > 7, 'several pages');
      const { codes, pages } = await walk(body, 7);
      assert.deepEqual(codes, expected, JSON.stringify(body));
      assert.equal(new Set(codes).size, codes.length);
      assert.equal(pages, Math.ceil(expected.length / 7));
    }
  });

  it('says hasMore false on a full last page and past the end', async () => {
    const n = f.deals.length;
    const limit = [4, 2, 13, 26].find((d) => n % d === 0 && d < n)!;
    assert.ok(limit, `choose a page size dividing ${n}`);
    const { codes, pages } = await walk({}, limit);
    assert.equal(codes.length, n);
    assert.equal(pages, n / limit);
    const past = await listDeals(f, { skip: n, limit: 5, includeTotal: true });
    assert.deepEqual(past.body, { _data: [], _meta: { hasMore: false, skip: n, limit: 5, total: n } });
  });

  it('gives the total of matching processes with includeTotal, whatever the page', async () => {
    const where = { or: [{ tier: 'gold' }, { qty: { '<': 0 } }] };
    const expected = f.deals.filter((d) => d.data.tier === 'gold' || d.data.qty < 0).length;
    assert.ok(expected > 3);
    for (const skip of [0, 3, expected]) {
      const res = await listDeals(f, { where, skip, limit: 3, includeTotal: true });
      assert.equal(res.body._meta.total, expected);
    }
    assert.equal((await listDeals(f, { where: { label: [] }, includeTotal: true })).body._meta.total, 0);
    assert.equal((await listDeals(f, { where })).body._meta.total, undefined, 'no total unless asked for');
  });
});
