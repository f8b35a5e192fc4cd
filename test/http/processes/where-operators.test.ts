import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  expectedCodes, holds, HOUR, matching, NOON_IST, startListFixture, type ListFixture, type Op,
} from '../../support/list-fixtures.ts';

/**
 * List Processes, the where grammar (API.md §3): every comparison operator on every comparable
 * attribute type. Expected results are computed from the stored values the API returned when
 * the deals were written, so each case checks the exact set of deals, not a count.
 */

const ALL_OPS: Op[] = ['=', '!=', '>', '>=', '<', '<='];
const EQUALITY: Op[] = ['=', '!='];

/** A value as a client writes it in `where`, and the stored value it must be compared as. */
interface Probe {
  readonly field: string;
  readonly query: unknown;
  readonly stored: unknown;
  readonly ops: readonly Op[];
  readonly why: string;
}

const dateAt = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) - 5.5 * HOUR;
const msOfDay = (h: number, m: number, s = 0) => ((h * 60 + m) * 60 + s) * 1000;

const PROBES: Probe[] = [
  { field: 'qty', query: 9, stored: 9, ops: ALL_OPS, why: 'integers compare as numbers (9 < 10 < 100)' },
  { field: 'qty', query: '10', stored: 10, ops: ALL_OPS, why: 'a numeric string is coerced for a number attribute' },
  { field: 'qty', query: -5, stored: -5, ops: ALL_OPS, why: 'negative numbers' },
  { field: 'price', query: 9.5, stored: 9.5, ops: ALL_OPS, why: 'floats compare as numbers' },
  { field: 'price', query: '10.25', stored: 10.25, ops: ALL_OPS, why: 'a numeric string against a float attribute' },
  { field: 'label', query: 'banana', stored: 'banana', ops: ALL_OPS, why: 'strings compare lexically and case-sensitively' },
  { field: 'label', query: '10', stored: '10', ops: ALL_OPS, why: 'numeric-looking strings compare as text ("10" < "9")' },
  { field: 'label', query: 'Zürich', stored: 'Zürich', ops: ALL_OPS, why: 'non-ASCII text' },
  { field: 'tier', query: 'gold', stored: 'gold', ops: ALL_OPS, why: 'a string enum compares its option text' },
  { field: 'due_at', query: NOON_IST, stored: NOON_IST, ops: ALL_OPS, why: 'datetimes compare as epoch ms' },
  { field: 'due_at', query: '2024-06-01T12:00:00+05:30', stored: NOON_IST, ops: ALL_OPS, why: 'an ISO datetime with an offset' },
  { field: 'due_at', query: '2024-06-01T12:00:00', stored: NOON_IST, ops: ALL_OPS, why: 'an ISO datetime without offset is read in the team timezone (+05:30)' },
  { field: 'due_at', query: '2024-06-01T06:30:00Z', stored: NOON_IST, ops: ALL_OPS, why: 'an ISO datetime in UTC' },
  { field: 'due_at', query: String(NOON_IST + HOUR), stored: NOON_IST + HOUR, ops: ALL_OPS, why: 'epoch ms as a numeric string' },
  { field: 'born', query: '1990-01-15', stored: dateAt(1990, 1, 15), ops: ALL_OPS, why: 'dates compare as instants' },
  { field: 'born', query: dateAt(1970, 1, 1), stored: dateAt(1970, 1, 1), ops: ALL_OPS, why: 'an instant before 1970 (negative epoch ms)' },
  { field: 'slot', query: '09:30', stored: msOfDay(9, 30), ops: ALL_OPS, why: 'times compare as ms since midnight' },
  { field: 'slot', query: msOfDay(12, 0), stored: msOfDay(12, 0), ops: ALL_OPS, why: 'a time given in ms' },
  { field: 'phone', query: '99001 12233', stored: '919900112233', ops: ALL_OPS, why: 'a local phone number gets the team country code' },
  { field: 'phone', query: '+1 (415) 555-0100', stored: '14155550100', ops: EQUALITY, why: 'an international number keeps its code' },
  { field: 'email', query: 'Ann@EXAMPLE.com', stored: 'Ann@example.com', ops: ALL_OPS, why: 'the domain of an email is compared lower-cased' },
  { field: 'qty_double', query: 20, stored: 20, ops: ALL_OPS, why: 'a derived number attribute' },
  { field: 'label_upper', query: 'BANANA', stored: 'BANANA', ops: ALL_OPS, why: 'a derived string attribute' },
];

const valueOf = (deal: any, field: string): unknown => (field in deal.data ? deal.data[field] : deal.derivedData[field]);

describe('List Processes: each operator on each comparable type', () => {
  let f: ListFixture;
  before(async () => {
    f = await startListFixture();
  });
  after(() => f.server.close());

  for (const probe of PROBES) {
    it(`${probe.field} ${JSON.stringify(probe.query)}: ${probe.why}`, async () => {
      const equal = expectedCodes(f, (d) => holds(valueOf(d, probe.field), '=', probe.stored));
      assert.ok(equal.length > 0, 'the probe value must occur in the fixture, or the case proves little');
      for (const op of probe.ops) {
        const expected = expectedCodes(f, (d) => holds(valueOf(d, probe.field), op, probe.stored));
        const where = op === '=' ? { [probe.field]: probe.query } : { [probe.field]: { [op]: probe.query } };
        assert.deepEqual(await matching(f, where), expected, `${JSON.stringify(where)}`);
      }
    });
  }

  it('compares numbers as numbers, not as text: qty > 9 is exactly the 10s and 100s', async () => {
    const expected = f.deals.filter((d) => /^D-/.test(d.data.code) && [1, 2].includes(Number(d.data.code.slice(2)) % 7));
    assert.deepEqual(await matching(f, { qty: { '>': 9 } }), expected.map((d) => d.data.code).sort());
    assert.ok(expected.some((d) => d.data.qty === 10) && expected.some((d) => d.data.qty === 100));
  });

  it('compares strings as text: "10" sorts before "9", upper case before lower case', async () => {
    const below9 = await matching(f, { label: { '<': '9', '>=': '0' } });
    const labels = new Set(below9.map((code) => f.deals.find((d) => d.data.code === code).data.label));
    assert.deepEqual([...labels].sort(), ['10', '100%', '1000']);
    const banana = await matching(f, { label: { '>=': 'B', '<': 'C' } });
    assert.ok(banana.length > 0);
    assert.ok(banana.every((code) => f.deals.find((d) => d.data.code === code).data.label === 'Banana'));
  });

  it('matches `!=` on processes where the attribute is absent, for every type', async () => {
    for (const probe of PROBES) {
      const absent = expectedCodes(f, (d) => valueOf(d, probe.field) == null);
      assert.ok(absent.length > 0, `some deal has no ${probe.field}`);
      const result = await matching(f, { [probe.field]: { '!=': probe.query } });
      assert.ok(absent.every((code) => result.includes(code)), `${probe.field} != ${JSON.stringify(probe.query)} includes absent values`);
    }
  });

  it('reads the same instant from epoch ms and from ISO text with and without an offset', async () => {
    const forms = [NOON_IST + HOUR, String(NOON_IST + HOUR), '2024-06-01T13:00:00+05:30', '2024-06-01T13:00:00', '2024-06-01T07:30:00.000Z', '2024-06-01T13:00:00+0530'];
    const results = await Promise.all(forms.map((x) => matching(f, { due_at: { '>=': x } })));
    for (const result of results) assert.deepEqual(result, results[0]);
    assert.deepEqual(results[0], expectedCodes(f, (d) => d.data.due_at >= NOON_IST + HOUR));
    // Read as UTC the text would mean 5h30 later, and the deal due at 17:30 IST would drop out.
    assert.notDeepEqual(await matching(f, { due_at: { '>=': '2024-06-01T13:00:00Z' } }), results[0]);
  });

  it('finds booleans by = and != (also from "true"/"false" text), absent counting as not equal', async () => {
    const yes = expectedCodes(f, (d) => d.data.active === true);
    const no = expectedCodes(f, (d) => d.data.active === false);
    assert.ok(yes.length > 0 && no.length > 0);
    assert.deepEqual(await matching(f, { active: true }), yes);
    assert.deepEqual(await matching(f, { active: 'true' }), yes);
    assert.deepEqual(await matching(f, { active: { '=': 'false' } }), no);
    assert.deepEqual(await matching(f, { active: { '!=': true } }), expectedCodes(f, (d) => d.data.active !== true));
  });

  it('finds a user attribute by username or UUID, which give the same deals', async () => {
    const ravi = f.userIds.ravi;
    const expected = expectedCodes(f, (d) => d.data.owner === ravi);
    assert.ok(expected.length > 0);
    assert.deepEqual(await matching(f, { owner: ravi }), expected);
    assert.deepEqual(await matching(f, { owner: 'ravi' }), expected);
    assert.deepEqual(await matching(f, { owner: ['ravi', f.userIds.john] }), expectedCodes(f, (d) => [ravi, f.userIds.john].includes(d.data.owner)));
    assert.deepEqual(await matching(f, { owner: { '!=': 'ravi' } }), expectedCodes(f, (d) => d.data.owner !== ravi));
  });
});
