import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  expectedCodes, HOUR, matching, NOON_IST, START, startListFixture, type ListFixture,
} from '../../support/list-fixtures.ts';

/** List Processes, the where grammar on root fields (API.md §3): exact result sets. */
describe('List Processes: root fields in where', () => {
  let f: ListFixture;
  let stateIds: Map<string, string>;
  const minute = (n: number) => START + n * 60_000;
  before(async () => {
    f = await startListFixture();
    const res = await fetch(`${f.server.url}/v1/ext/config`, { headers: { authorization: `Bearer ${f.tokens.admin}` } });
    const procedure = ((await res.json()) as any)._data.procedures.find((p: any) => p.shortId === 'deal');
    stateIds = new Map(procedure.states.map((s: any) => [s.shortId, s.id]));
  });
  after(() => f.server.close());

  it('filters by status', async () => {
    for (const status of ['OPEN', 'COMPLETED', 'CANCELLED']) {
      const expected = expectedCodes(f, (d) => d.status === status);
      assert.ok(expected.length > 0);
      assert.deepEqual(await matching(f, { status }), expected, status);
    }
    assert.deepEqual(await matching(f, { status: ['COMPLETED', 'CANCELLED'] }), expectedCodes(f, (d) => d.status !== 'OPEN'));
    assert.deepEqual(await matching(f, { status: { '!=': 'OPEN' } }), expectedCodes(f, (d) => d.status !== 'OPEN'));
  });

  it('filters by state shortId (its UUID works too)', async () => {
    for (const shortId of ['NEW', 'WORKING', 'WON', 'LOST']) {
      const expected = expectedCodes(f, (d) => d.state === stateIds.get(shortId));
      assert.ok(expected.length > 0, shortId);
      assert.deepEqual(await matching(f, { state: shortId }), expected, shortId);
      assert.deepEqual(await matching(f, { state: stateIds.get(shortId) }), expected, shortId);
    }
    assert.deepEqual(await matching(f, { state: ['WON', 'LOST'] }), expectedCodes(f, (d) => [stateIds.get('WON'), stateIds.get('LOST')].includes(d.state)));
    assert.deepEqual(await matching(f, { state: { '!=': 'NEW' } }), expectedCodes(f, (d) => d.state !== stateIds.get('NEW')));
  });

  it('filters createdAt by a range in epoch ms and in ISO text with and without an offset', async () => {
    const expected = expectedCodes(f, (d) => d.createdAt > minute(10) && d.createdAt <= minute(20));
    assert.equal(expected.length, 10);
    assert.deepEqual(await matching(f, { createdAt: { '>': minute(10), '<=': minute(20) } }), expected);
    assert.deepEqual(await matching(f, { createdAt: { '>': '2024-01-01T05:40:00+05:30', '<=': '2024-01-01T05:50:00+05:30' } }), expected);
    assert.deepEqual(await matching(f, { createdAt: { '>': '2024-01-01T05:40:00', '<=': '2024-01-01T05:50:00' } }), expected);
    assert.deepEqual(await matching(f, { createdAt: { '>': '2024-01-01T00:10:00Z', '<=': '2024-01-01T00:20:00.000Z' } }), expected);
    assert.deepEqual(await matching(f, { createdAt: { '>': String(minute(10)), '<=': String(minute(20)) } }), expected);
    assert.deepEqual(await matching(f, { createdAt: minute(15) }), expectedCodes(f, (d) => d.createdAt === minute(15)));
    assert.deepEqual(await matching(f, { createdAt: f.sameInstant }), expectedCodes(f, (d) => d.data.code.startsWith('S-')));
  });

  it('filters updatedAt: only the deals changed after the last create', async () => {
    const expected = expectedCodes(f, (d) => d.updatedAt > f.lastCreate);
    assert.ok(expected.length > 0 && expected.length < f.deals.length);
    assert.deepEqual(await matching(f, { updatedAt: { '>': f.lastCreate } }), expected);
    assert.deepEqual(await matching(f, { updatedAt: { '<=': f.lastCreate } }), expectedCodes(f, (d) => d.updatedAt <= f.lastCreate));
  });

  it('filters nextActionAt (0 when never set)', async () => {
    assert.deepEqual(await matching(f, { nextActionAt: 0 }), expectedCodes(f, (d) => d.nextActionAt === 0));
    const from = NOON_IST + 10 * HOUR;
    const to = '2024-06-02T12:00:00+05:30';
    assert.deepEqual(await matching(f, { nextActionAt: { '>=': from, '<': to } }), expectedCodes(f, (d) => d.nextActionAt >= from && d.nextActionAt < NOON_IST + 24 * HOUR));
  });

  it('filters assignedTo by username, by UUID, and null for unassigned', async () => {
    const { priya, meera } = f.userIds;
    const toPriya = expectedCodes(f, (d) => d.assignedTo === priya);
    assert.ok(toPriya.length > 0);
    assert.deepEqual(await matching(f, { assignedTo: 'priya' }), toPriya);
    assert.deepEqual(await matching(f, { assignedTo: priya }), toPriya);
    assert.deepEqual(await matching(f, { assignedTo: priya.toUpperCase() }), toPriya);
    const unassigned = expectedCodes(f, (d) => d.assignedTo === null);
    assert.ok(unassigned.length > 0);
    assert.deepEqual(await matching(f, { assignedTo: null }), unassigned);
    assert.deepEqual(await matching(f, { assignedTo: { '!=': null } }), expectedCodes(f, (d) => d.assignedTo !== null));
    assert.deepEqual(await matching(f, { assignedTo: { '!=': 'priya' } }), expectedCodes(f, (d) => d.assignedTo !== priya));
    assert.deepEqual(await matching(f, { assignedTo: ['priya', meera] }), expectedCodes(f, (d) => [priya, meera].includes(d.assignedTo)));
    assert.deepEqual(await matching(f, { or: [{ assignedTo: null }, { assignedTo: 'zoe' }] }), expectedCodes(f, (d) => d.assignedTo === null || d.assignedTo === f.userIds.zoe));
  });

  it('filters createdBy by username or UUID (the admin key acts as its service user)', async () => {
    assert.deepEqual(await matching(f, { createdBy: 'john' }), expectedCodes(f, (d) => d.createdBy === f.userIds.john));
    assert.deepEqual(await matching(f, { createdBy: ['meera', 'zoe'] }), expectedCodes(f, (d) => [f.userIds.meera, f.userIds.zoe].includes(d.createdBy)));
    const byService = expectedCodes(f, (d) => d.createdBy === f.userIds.service);
    assert.ok(byService.length > 0);
    assert.deepEqual(await matching(f, { createdBy: f.userIds.service }), byService);
    assert.deepEqual(await matching(f, { createdBy: { '!=': 'ravi' } }), expectedCodes(f, (d) => d.createdBy !== f.userIds.ravi));
  });

  it('filters by id, one or several', async () => {
    const [a, b, c] = [f.deals[3], f.deals[17], f.deals[30]];
    assert.deepEqual(await matching(f, { id: a.id }), [a.data.code]);
    assert.deepEqual(await matching(f, { id: a.id.toUpperCase() }), [a.data.code]);
    assert.deepEqual(await matching(f, { id: [a.id, b.id] }), [a.data.code, b.data.code].sort());
    assert.deepEqual(await matching(f, { id: { '!=': c.id } }), expectedCodes(f, (d) => d.id !== c.id));
    assert.deepEqual(await matching(f, { id: [a.id, f.deleted[0].id] }), [a.data.code]);
  });

  it('combines root fields and attributes', async () => {
    const expected = expectedCodes(f, (d) => d.status === 'OPEN' && d.assignedTo !== null && d.data.qty > 0);
    assert.ok(expected.length > 0);
    assert.deepEqual(await matching(f, { status: 'OPEN', assignedTo: { '!=': null }, qty: { '>': '0' } }), expected);
  });
});
