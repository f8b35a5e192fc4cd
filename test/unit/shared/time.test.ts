import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_INSTANT, MIN_INSTANT, formatInTimezone, instantProblem, isValidTimezone, parseIsoInTimezone, readInstant } from '../../../src/shared/time.ts';

describe('team timezones', () => {
  const instant = Date.UTC(2021, 8, 16, 13, 4, 58, 108);

  it('renders epoch ms in a fixed offset as the v2 API does', () => {
    assert.equal(formatInTimezone(instant, '+05:30'), '2021-09-16T18:34:58.108+05:30');
    assert.equal(formatInTimezone(instant, '+0530'), '2021-09-16T18:34:58.108+05:30');
    assert.equal(formatInTimezone(instant, 'UTC'), '2021-09-16T13:04:58.108+00:00');
    assert.equal(formatInTimezone(instant, '-04:00'), '2021-09-16T09:04:58.108-04:00');
  });

  it('renders IANA zones with their offset at that instant (daylight saving included)', () => {
    assert.equal(formatInTimezone(instant, 'Asia/Kolkata'), '2021-09-16T18:34:58.108+05:30');
    assert.equal(formatInTimezone(instant, 'America/New_York'), '2021-09-16T09:04:58.108-04:00');
    assert.equal(formatInTimezone(Date.UTC(2021, 0, 1, 12), 'America/New_York'), '2021-01-01T07:00:00.000-05:00');
  });

  it('reads ISO datetimes without an offset in the zone, and with one as written', () => {
    assert.equal(parseIsoInTimezone('2021-09-16T18:34:58.108', '+05:30'), instant);
    assert.equal(parseIsoInTimezone('2021-09-16T18:34:58.108+05:30', 'UTC'), instant);
    assert.equal(parseIsoInTimezone('2021-09-16T13:04:58.108Z', '+05:30'), instant);
    assert.equal(parseIsoInTimezone('2023-11-15T09:30:00', 'America/New_York'), Date.UTC(2023, 10, 15, 14, 30));
    assert.equal(parseIsoInTimezone('2023-11-15', '+05:30'), Date.UTC(2023, 10, 14, 18, 30));
  });

  it('refuses what is not a real date', () => {
    for (const text of ['2021-02-30', '2021-13-01', 'yesterday', '2021-09-16T25:00:00', '']) {
      assert.equal(parseIsoInTimezone(text, 'UTC'), null, text);
    }
  });

  it('knows valid zones', () => {
    for (const tz of ['+05:30', '-0800', 'Z', 'UTC', 'Europe/Paris']) assert.ok(isValidTimezone(tz), tz);
    for (const tz of ['+5', 'Mars/Olympus', '05:30']) assert.ok(!isValidTimezone(tz), tz);
  });
});

describe('readInstant: the one parser of written epoch ms', () => {
  it('reads integers, integral numeric strings and ISO-8601 within years 1000 to 9999', () => {
    assert.deepEqual(readInstant(1_700_000_000_000, 'Z'), { ok: true, value: 1_700_000_000_000 });
    assert.deepEqual(readInstant(' 1700000000000 ', 'Z'), { ok: true, value: 1_700_000_000_000 });
    assert.deepEqual(readInstant('+0', 'Z'), { ok: true, value: 0 });
    assert.deepEqual(readInstant(-0, 'Z'), { ok: true, value: 0 });
    assert.deepEqual(readInstant('2024-03-01T10:00:00', '+05:30'), { ok: true, value: Date.UTC(2024, 2, 1, 4, 30) });
    for (const edge of [MIN_INSTANT, MAX_INSTANT]) {
      assert.deepEqual(readInstant(edge, 'Z'), { ok: true, value: edge });
      assert.deepEqual(readInstant(String(edge), 'Z'), { ok: true, value: edge });
    }
  });

  it('judges a number and the same number written as a string alike, out of range included', () => {
    for (const [number, text] of [[1e29, '100000000000000000000000000000'], [MAX_INSTANT + 1, String(MAX_INSTANT + 1)], [MIN_INSTANT - 1, String(MIN_INSTANT - 1)]] as const) {
      assert.deepEqual(readInstant(number, 'Z'), { ok: false, outOfRange: true }, String(number));
      assert.deepEqual(readInstant(text, 'Z'), { ok: false, outOfRange: true }, text);
    }
    assert.deepEqual(readInstant(Infinity, 'Z'), { ok: false, outOfRange: true });
    assert.deepEqual(readInstant('0000-01-01T00:00:00Z', 'Z'), { ok: false, outOfRange: true });
    assert.equal(new Date(parseIsoInTimezone('0050-06-01T00:00:00Z', 'Z')!).getUTCFullYear(), 50, 'a two-digit year is not read as 19xx');
  });

  it('refuses what is no time at all: fractions, exponents, words, other types', () => {
    for (const value of [1.5, '1.5', '1e3', 'soon', '', true, null, [], {}, Number.NaN]) {
      assert.deepEqual(readInstant(value, 'Z'), { ok: false, outOfRange: false }, JSON.stringify(value));
    }
  });

  it('words its problem the same way for a number and a string', () => {
    assert.equal(instantProblem('dueBy', 1e29, { outOfRange: true }), `dueBy: expected epoch milliseconds from ${MIN_INSTANT} to ${MAX_INSTANT} (years 1000 to 9999), got 1e+29`);
    assert.equal(instantProblem('dueBy', Infinity, { outOfRange: true }).endsWith('got Infinity'), true);
    assert.equal(instantProblem('dueBy', 'soon', { outOfRange: false }), 'dueBy: expected epoch milliseconds or an ISO-8601 datetime, got "soon"');
  });
});
