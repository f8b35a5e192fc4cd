import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatInTimezone, isValidTimezone, parseIsoInTimezone } from '../../../src/shared/time.ts';

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
