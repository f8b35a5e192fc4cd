import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertInvalidQuery, expectedCodes, listDeals, matching, startListFixture, type ListFixture,
} from '../../support/list-fixtures.ts';

/**
 * List Processes, the where grammar (API.md §3): null, "one of" arrays, operator objects, and /
 * or nesting, multi-valued attributes and derived attributes, each checked as an exact set.
 */
describe('List Processes: combining conditions', () => {
  let f: ListFixture;
  const has = (list: unknown, value: string) => Array.isArray(list) && list.includes(value);
  before(async () => {
    f = await startListFixture();
  });
  after(() => f.server.close());

  it('reads null as "absent" and {"!=": null} as "present"', async () => {
    const absent = expectedCodes(f, (d) => d.data.qty === undefined);
    const present = expectedCodes(f, (d) => d.data.qty !== undefined);
    assert.ok(absent.length > 0 && present.length > 0);
    assert.deepEqual(await matching(f, { qty: null }), absent);
    assert.deepEqual(await matching(f, { qty: { '=': null } }), absent);
    assert.deepEqual(await matching(f, { qty: { '!=': null } }), present);
    assert.deepEqual(await matching(f, { tags: null }), expectedCodes(f, (d) => d.data.tags === undefined));
    assert.deepEqual(await matching(f, { email: { '!=': null } }), expectedCodes(f, (d) => d.data.email !== undefined));
  });

  it('reads an array as "one of", with values coerced, and [] as nothing', async () => {
    assert.deepEqual(await matching(f, { tier: ['gold', 'bronze'] }), expectedCodes(f, (d) => ['gold', 'bronze'].includes(d.data.tier)));
    assert.deepEqual(await matching(f, { qty: [9, '100', -5] }), expectedCodes(f, (d) => [9, 100, -5].includes(d.data.qty)));
    assert.deepEqual(await matching(f, { label: ['banana', 'Banana', 'nothing like it'] }), expectedCodes(f, (d) => ['banana', 'Banana'].includes(d.data.label)));
    const ist = (day: number) => Date.UTC(1990, 0, day) - 5.5 * 3_600_000;
    assert.deepEqual(await matching(f, { born: ['1990-01-15', '1990-01-16'] }), expectedCodes(f, (d) => [ist(15), ist(16)].includes(d.data.born)));
    assert.deepEqual(await matching(f, { label: [] }), []);
    assert.deepEqual(await matching(f, { qty: [], tier: 'gold' }), []);
  });

  it('combines the operators of one object with AND', async () => {
    assert.deepEqual(await matching(f, { qty: { '>=': 0, '<': 100 } }), expectedCodes(f, (d) => d.data.qty >= 0 && d.data.qty < 100));
    assert.deepEqual(await matching(f, { qty: { '>': -5, '!=': 10, '<=': 100 } }), expectedCodes(f, (d) => d.data.qty > -5 && d.data.qty !== 10 && d.data.qty <= 100));
    assert.deepEqual(await matching(f, { price: { '>': 100, '<': 0 } }), []);
  });

  it('combines the keys of one object with AND', async () => {
    const expected = expectedCodes(f, (d) => d.data.tier === 'gold' && d.data.active === true && d.data.qty !== undefined);
    assert.ok(expected.length > 0);
    assert.deepEqual(await matching(f, { tier: 'gold', active: true, qty: { '!=': null } }), expected);
  });

  it('reads "or" as alternatives and "and" as conjuncts, nested, alongside plain keys', async () => {
    assert.deepEqual(
      await matching(f, { or: [{ qty: 9 }, { and: [{ tier: 'silver' }, { active: false }] }] }),
      expectedCodes(f, (d) => d.data.qty === 9 || (d.data.tier === 'silver' && d.data.active === false)),
    );
    assert.deepEqual(
      await matching(f, { and: [{ or: [{ tier: 'gold' }, { tier: null }] }, { or: [{ qty: { '<': 0 } }, { price: { '>': 50 } }] }] }),
      expectedCodes(f, (d) => (d.data.tier === 'gold' || d.data.tier === undefined) && (d.data.qty < 0 || d.data.price > 50)),
    );
    assert.deepEqual(
      await matching(f, { active: true, or: [{ label: { '<': 'b' } }, { tags: 'blue' }] }),
      expectedCodes(f, (d) => d.data.active === true && ((d.data.label !== undefined && d.data.label < 'b') || has(d.data.tags, 'blue'))),
    );
    assert.deepEqual(
      await matching(f, { or: [{ or: [{ qty: 2 }, { qty: 0 }] }, { and: [{ and: [{ slot: { '>': '12:00' } }] }, { born: { '!=': null } }] }] }),
      expectedCodes(f, (d) => d.data.qty === 2 || d.data.qty === 0 || (d.data.slot > 43_200_000 && d.data.born !== undefined)),
    );
  });

  it('reads a value of a multi-valued attribute as "contains" and != as "does not contain"', async () => {
    const red = expectedCodes(f, (d) => has(d.data.tags, 'red'));
    assert.ok(red.length > 0 && f.deals.some((d) => has(d.data.tags, 'red') && d.data.tags.length > 1));
    assert.deepEqual(await matching(f, { tags: 'red' }), red);
    assert.deepEqual(await matching(f, { tags: { '=': 'red' } }), red);
    assert.deepEqual(await matching(f, { tags: { '!=': 'red' } }), expectedCodes(f, (d) => !has(d.data.tags, 'red')));
    assert.deepEqual(await matching(f, { tags: ['red', 'blue'] }), expectedCodes(f, (d) => has(d.data.tags, 'red') || has(d.data.tags, 'blue')));
    assert.deepEqual(await matching(f, { tags: { '=': 'red', '!=': 'green' } }), expectedCodes(f, (d) => has(d.data.tags, 'red') && !has(d.data.tags, 'green')));
    assert.deepEqual(await matching(f, { and: [{ tags: 'red' }, { tags: 'blue' }] }), expectedCodes(f, (d) => has(d.data.tags, 'red') && has(d.data.tags, 'blue')));
  });

  it('filters on derived attributes, including "no value" when the expression gave none', async () => {
    const noQty = expectedCodes(f, (d) => d.data.qty === undefined);
    assert.deepEqual(await matching(f, { qty_double: { '>': 18 } }), expectedCodes(f, (d) => d.data.qty > 9));
    assert.deepEqual(await matching(f, { qty_double: '-10' }), expectedCodes(f, (d) => d.data.qty === -5));
    assert.deepEqual(await matching(f, { label_upper: 'BANANA' }), expectedCodes(f, (d) => d.data.label === 'banana' || d.data.label === 'Banana'));
    assert.deepEqual(await matching(f, { qty_double: null }), noQty);
    assert.deepEqual(await matching(f, { qty_double: { '!=': null } }), expectedCodes(f, (d) => d.data.qty !== undefined));
    assert.deepEqual(await matching(f, { qty_double: { '!=': 20 } }), expectedCodes(f, (d) => d.data.qty !== 10));
  });

  it('coerces numeric strings for number attributes and refuses what cannot be coerced', async () => {
    assert.deepEqual(await matching(f, { qty: '9' }), await matching(f, { qty: 9 }));
    assert.deepEqual(await matching(f, { price: { '>=': '9.50' } }), expectedCodes(f, (d) => d.data.price >= 9.5));
    assert.deepEqual(await matching(f, { due_at: { '<': '1717223400000' } }), expectedCodes(f, (d) => d.data.due_at < 1717223400000));
    assert.match(assertInvalidQuery(await listDeals(f, { where: { qty: 'nine' } })), /where\.qty/);
    assert.match(assertInvalidQuery(await listDeals(f, { where: { qty: 9.5 } })), /where\.qty/);
    assert.match(assertInvalidQuery(await listDeals(f, { where: { price: { '<': 'cheap' } } })), /where\.price/);
    assert.match(assertInvalidQuery(await listDeals(f, { where: { due_at: 'tomorrow' } })), /where\.due_at/);
    assert.match(assertInvalidQuery(await listDeals(f, { where: { active: 'maybe' } })), /where\.active/);
    assert.match(assertInvalidQuery(await listDeals(f, { where: { email: 'not an address' } })), /where\.email/);
  });

  it('checks enum values against the options', async () => {
    assert.match(assertInvalidQuery(await listDeals(f, { where: { tier: 'platinum' } })), /where\.tier.*platinum|platinum.*where\.tier/s);
    assert.match(assertInvalidQuery(await listDeals(f, { where: { tier: ['gold', 'platinum'] } })), /platinum/);
    assert.match(assertInvalidQuery(await listDeals(f, { where: { tags: 'purple' } })), /where\.tags/);
    assert.deepEqual(await matching(f, { tier: 'bronze' }), expectedCodes(f, (d) => d.data.tier === 'bronze'));
  });
});
