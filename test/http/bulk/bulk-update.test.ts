import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import {
  LEAD, UNKNOWN_UUID, assertError, configIds, createProcess, dataOf, fetchProcess, manualClock, type Client, type ConfigIds,
} from '../../support/processes.ts';
import { BULK_UPDATE, allEntries, counts, drain, fetchJob, submit } from './bulk-support.ts';

describe('Bulk Update: naming processes, both change forms, deletes and order (API.md §3 "Bulk update items")', () => {
  const time = manualClock();
  let server: TestServer;
  let acme: SeededTeam;
  let ids: ConfigIds;
  let admin: Client;
  let manager: Client;

  before(async () => {
    server = await startTestServer({ clock: time.clock });
    acme = await seedTeam(server.runtime, 'acme');
    ids = await configIds(server.url, acme.tokens.admin);
    admin = client(server.url, acme.tokens.admin);
    manager = client(server.url, acme.tokens.manager);
  });
  after(() => server.close());

  const lead = (leadId: string, extra: Record<string, unknown> = {}) =>
    createProcess(admin, LEAD, { lead_id: leadId, data: { first_name: leadId, score: 0 }, ...extra });

  /** Submits a bulk update, runs the workers and answers the job's entries. */
  async function update(c: Client, items: unknown[]): Promise<{ job: any; entries: any[] }> {
    const { job } = await submit(c, 'PATCH', BULK_UPDATE, { processes: items });
    await drain(server.runtime);
    return { job: (await fetchJob(c, job.id)).job, entries: await allEntries(c, job.id) };
  }

  it('names processes by "id" (UUID), by "<pk>": value, and by a non-UUID "id" read as a pk value', async () => {
    const [a, b, c] = [await lead('U-A'), await lead('U-B'), await lead('U-C')];
    const ranAt = time.advance(60_000);
    const items = [
      { id: a.id, data: { score: '7' }, state: 'IN_PROGRESS', assignedTo: 'john', nextActionAt: String(ranAt + 1000) },
      { lead_id: 'U-B', update: { data: { city: 'Tokyo' }, status: 'COMPLETED' } },
      { id: 'U-C', update: { data: { last_name: 'Cee' }, assignedTo: acme.userIds.ravi } },
      { id: a.id.toUpperCase(), data: { last_name: 'Upper' } },
    ];
    const { job, entries } = await update(manager, items);
    assert.equal(job.statusMessage, '4 entries: 4 SUCCESS');
    assert.deepEqual(entries.map((e) => e.completionResult), [{ processId: a.id }, { processId: b.id }, { processId: c.id }, { processId: a.id }]);
    for (const [i, e] of entries.entries()) {
      assert.equal(e.completionStatus, 'SUCCESS');
      assert.equal(e.validationStatus, 'SUCCESS');
      assert.equal(e.data.apiType, 'process:ext-update');
      assert.deepEqual(e.data.apiData, { ...items[i], id: e.completionResult.processId }, 'the item as submitted, with the resolved id');
    }

    const pa = await fetchProcess(admin, LEAD, a.id);
    assert.deepEqual(pa.data, { lead_id: 'U-A', first_name: 'U-A', score: 7, last_name: 'Upper' });
    assert.equal(pa.state, ids.states.lead.IN_PROGRESS);
    assert.equal(pa.assignedTo, acme.userIds.john);
    assert.equal(pa.nextActionAt, ranAt + 1000);
    assert.equal(pa.updatedAt, ranAt);
    const pb = await fetchProcess(admin, LEAD, b.id);
    assert.equal(pb.data.city, 'Tokyo');
    assert.equal(pb.status, 'COMPLETED');
    assert.equal(pb.state, ids.states.lead.CONVERTED, 'COMPLETED without a state: the default completed state');
    assert.equal(pb.completedAt, ranAt);
    const pc = await fetchProcess(admin, LEAD, c.id);
    assert.equal(pc.data.last_name, 'Cee');
    assert.deepEqual(pc.derivedData, { full_name: 'U-C Cee' }, 'derived attributes are recomputed');
    assert.equal(pc.assignedTo, acme.userIds.ravi);
  });

  it('"isDeleted": true deletes, at the root or inside "update"; the key becomes free', async () => {
    const [a, b] = [await lead('DEL-A'), await lead('DEL-B')];
    const { entries } = await update(manager, [{ id: a.id, isDeleted: true }, { lead_id: 'DEL-B', update: { isDeleted: true, data: { score: 9 } } }]);
    assert.deepEqual(entries.map((e) => e.completionStatus), ['SUCCESS', 'SUCCESS']);
    for (const p of [a, b]) assertError(await admin.get(`${LEAD}/${p.id}`), 404, 'NOT_FOUND');
    const list = await admin.post(`${LEAD}/list`, { where: { lead_id: ['DEL-A', 'DEL-B'] }, includeTotal: true });
    assert.equal(list.body._meta.total, 0, 'deleted processes leave the list');
    const again = await lead('DEL-A');
    assert.equal(again.data.lead_id, 'DEL-A', 'the primary-key value is free again');
  });

  it('two updates of one process in one job apply in request order', async () => {
    const p = await lead('ORDER');
    const { entries } = await update(manager, [
      { id: p.id, data: { score: 1 } },
      { lead_id: 'ORDER', update: { data: { score: 2 } } },
    ]);
    assert.deepEqual(entries.map((e) => e.completionStatus), ['SUCCESS', 'SUCCESS']);
    assert.equal((await fetchProcess(admin, LEAD, p.id)).data.score, 2, 'the later item wins');
    const history = dataOf(await admin.get(`${LEAD}/${p.id}/history`));
    assert.deepEqual(history.map((h: any) => [h.action, h.changes.data?.score]), [
      ['create', 0],
      ['update', { from: 0, to: 1 }],
      ['update', { from: 1, to: 2 }],
    ]);
    assert.ok(history.slice(1).every((h: any) => h.user === acme.userIds.ravi), 'written as the caller who submitted the job');
  });

  it('two updates of one process apply in request order in a job of several partitions, whichever way each names it', async () => {
    // Over 2000 items, a job is split into partitions; the two updates of each process must still
    // apply first-then-second, even when one names the process by UUID and the other by key.
    const processes = [];
    for (let i = 0; i < 20; i++) processes.push(await lead(`MULTI-${i}`));
    const filler = Array.from({ length: 2100 }, (_, i) => ({ id: `ABSENT-${i}`, data: { score: 1 } }));
    const items = [
      ...processes.map((p) => ({ lead_id: p.data.lead_id, data: { score: 1 } })),
      ...filler,
      ...processes.map((p) => ({ id: p.id, data: { score: 2 } })),
    ];
    const { job } = await submit(manager, 'PATCH', BULK_UPDATE, { processes: items });
    await drain(server.runtime);
    assert.deepEqual((await fetchJob(manager, job.id)).counts, counts({ SUCCESS: 40, ERROR: 2100 }));
    const scores = [];
    for (const p of processes) scores.push((await fetchProcess(admin, LEAD, p.id)).data.score);
    assert.deepEqual(scores, processes.map(() => 2), 'the later item wins for every process');
  });

  it('ERROR entries: an unknown process, and a primary key another process holds', async () => {
    await lead('HOLDER');
    const mover = await lead('MOVER');
    const { job, entries } = await update(manager, [
      { id: UNKNOWN_UUID, data: { score: 1 } },
      { lead_id: 'NO-SUCH-LEAD', data: { score: 1 } },
      { id: 'NO-SUCH-LEAD', data: { score: 1 } },
      { id: mover.id, data: { lead_id: 'HOLDER' } },
    ]);
    assert.deepEqual(entries.map((e) => e.completionStatus), ['ERROR', 'ERROR', 'ERROR', 'ERROR']);
    for (const e of entries) {
      assert.equal(e.validationStatus, 'SUCCESS');
      assert.equal(e.completionResult, null);
    }
    assert.match(entries[0].completionMessage, /not found/);
    assert.match(entries[0].completionMessage, new RegExp(UNKNOWN_UUID));
    assert.match(entries[1].completionMessage, /not found.*NO-SUCH-LEAD/);
    assert.match(entries[2].completionMessage, /not found.*NO-SUCH-LEAD/);
    assert.match(entries[3].completionMessage, /HOLDER/);
    assert.deepEqual(entries[0].data.apiData, { id: UNKNOWN_UUID, data: { score: 1 } }, 'nothing was resolved');
    assert.equal((await fetchProcess(admin, LEAD, mover.id)).data.lead_id, 'MOVER');
    assert.equal(job.statusMessage, '4 entries: 4 ERROR');
  });

  it('INVALID entries: no identifier, not an object, and values the update rules refuse', async () => {
    const p = await lead('INV');
    const { entries } = await update(manager, [
      { status: 'COMPLETED' },
      { update: { data: { score: 3 } } },
      'INV',
      { id: p.id, data: { city: 'Paris' } },
      { id: p.id, data: { favourite_colour: 'blue' } },
      { id: p.id, data: { score: 'lots' } },
      { id: p.id, data: { first_name: null } },
      { id: p.id, isDeleted: 'yes' },
      { id: p.id, state: 'LOST' },
    ]);
    assert.ok(entries.every((e) => e.completionStatus === 'INVALID' && e.validationStatus === 'ERROR' && e.completionResult === null));
    const why = entries.map((e) => e.validationMessage as string);
    assert.match(why[0], /identifier/);
    assert.match(why[1], /identifier/);
    assert.match(why[2], /expected an object/);
    assert.match(why[3], /city.*Paris/);
    assert.match(why[4], /favourite_colour/);
    assert.match(why[5], /score/);
    assert.match(why[6], /first_name.*required/);
    assert.match(why[7], /isDeleted/);
    assert.match(why[8], /LOST/);
    const after = await fetchProcess(admin, LEAD, p.id);
    assert.deepEqual(after.data, p.data, 'nothing was applied');
    assert.equal(after.status, 'OPEN');
  });

  it('a USER-role key may update only processes it can see; the others are ERROR, untouched', async () => {
    const mine = await lead('JOHNS', { assignedTo: 'john' });
    const hidden = await lead('HIDDEN');
    const john = client(server.url, acme.tokens.user);
    const { job, entries } = await update(john, [{ id: mine.id, data: { score: 5 } }, { id: hidden.id, data: { score: 5 } }, { lead_id: 'HIDDEN', isDeleted: true }]);
    assert.deepEqual(entries.map((e) => e.completionStatus), ['SUCCESS', 'ERROR', 'ERROR']);
    assert.match(entries[1].completionMessage, /not found/);
    assert.equal(job.createdBy, acme.userIds.john);
    assert.equal((await fetchProcess(admin, LEAD, mine.id)).data.score, 5);
    const untouched = await fetchProcess(admin, LEAD, hidden.id);
    assert.equal(untouched.data.score, 0);
    assert.equal(untouched.isDeleted, false);
    assert.deepEqual((await fetchJob(john, job.id)).counts, counts({ SUCCESS: 1, ERROR: 2 }));
  });
});
