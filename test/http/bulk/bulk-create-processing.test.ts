import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { LEAD, UUID, configIds, createProcess, fetchProcess, manualClock, type Client, type ConfigIds } from '../../support/processes.ts';
import { BULK_CREATE, ENTRY_KEYS, allEntries, countLeads, counts, drain, fetchJob, submit } from './bulk-support.ts';

describe('Bulk Create: processing and the entries (API.md §3 row 8, §5)', () => {
  const time = manualClock();
  let server: TestServer;
  let acme: SeededTeam;
  let ids: ConfigIds;
  let manager: Client;

  before(async () => {
    server = await startTestServer({ clock: time.clock });
    acme = await seedTeam(server.runtime, 'acme');
    ids = await configIds(server.url, acme.tokens.admin);
    manager = client(server.url, acme.tokens.manager);
  });
  after(() => server.close());

  it('runs the job to SUCCESS: job timestamps, summary, counts and every entry field', async () => {
    await createProcess(manager, LEAD, { lead_id: 'TAKEN-1', data: { first_name: 'Already here' } });
    const acceptedAt = time.advance();
    const items = [
      { lead_id: 'EXT-TEST-143', data: { first_name: 'Ted', score: '105' } },
      { lead_id: 'EXT-TEST-164', data: { first_name: 'Lily', city: 'Goa' }, state: 'IN_PROGRESS' },
      { lead_id: 'TAKEN-1', data: { first_name: 'Clash' } },
      { data: { first_name: 'Barney', nope: 1 } },
      { data: { first_name: 'Robin', last_name: 'Scherbatsky' }, assignedTo: 'john' },
    ];
    const { job: accepted } = await submit(manager, 'POST', BULK_CREATE, items);
    const ranAt = time.advance(5000);
    await drain(server.runtime);

    const { job, counts: meta } = await fetchJob(manager, accepted.id);
    assert.equal(job.completionStatus, 'SUCCESS', 'every entry reached a final status');
    assert.equal(job.startedAt, ranAt);
    assert.equal(job.completedAt, ranAt);
    assert.equal(job.createdAt, acceptedAt);
    assert.equal(job.updatedAt, ranAt);
    assert.equal(job.statusMessage, '5 entries: 3 SUCCESS, 1 ERROR, 1 INVALID');
    assert.deepEqual(meta, counts({ SUCCESS: 3, ERROR: 1, INVALID: 1 }));

    const entries = await allEntries(manager, job.id);
    assert.deepEqual(entries.map((e) => e.index), [0, 1, 2, 3, 4]);
    assert.deepEqual(entries.map((e) => e.completionStatus), ['SUCCESS', 'SUCCESS', 'ERROR', 'INVALID', 'SUCCESS']);
    for (const [i, e] of entries.entries()) {
      assert.deepEqual(Object.keys(e).sort(), ENTRY_KEYS);
      assert.match(e.id, UUID);
      assert.equal(e.createdAt, acceptedAt);
      assert.equal(e.updatedAt, ranAt);
      assert.deepEqual(e.data, { apiData: items[i], apiType: 'process:ext-create' }, 'the item exactly as submitted');
      assert.equal(e.validationResult, null);
      assert.equal(e.team, ids.team);
      assert.equal(e.backgroundJob, job.id);
      assert.equal(e.createdBy, acme.userIds.ravi);
    }
    const [ted, lily, clash, barney, robin] = entries;
    for (const ok of [ted, lily, robin]) {
      assert.equal(ok.validationStatus, 'SUCCESS');
      assert.equal(ok.validationMessage, '');
      assert.equal(ok.completionMessage, '');
      assert.deepEqual(Object.keys(ok.completionResult), ['processId']);
      assert.match(ok.completionResult.processId, UUID);
    }
    assert.equal(clash.validationStatus, 'SUCCESS', 'valid, but it failed when applied');
    assert.match(clash.completionMessage, /TAKEN-1/);
    assert.equal(clash.completionResult, null);
    assert.equal(barney.validationStatus, 'ERROR');
    assert.match(barney.validationMessage, /nope/);
    assert.equal(barney.completionMessage, '');
    assert.equal(barney.completionResult, null);

    const p = await fetchProcess(manager, LEAD, ted.completionResult.processId);
    assert.deepEqual(p.data, { lead_id: 'EXT-TEST-143', first_name: 'Ted', score: 105 }, 'root primary key and coerced score');
    assert.equal(p.createdBy, acme.userIds.ravi);
    assert.equal(p.createdAt, ranAt, 'created when the worker ran it');
    assert.equal(p.state, ids.states.lead.NEW);
    const l = await fetchProcess(manager, LEAD, lily.completionResult.processId);
    assert.deepEqual(l.data, { lead_id: 'EXT-TEST-164', first_name: 'Lily', city: 'Goa' });
    assert.equal(l.state, ids.states.lead.IN_PROGRESS);
    const r = await fetchProcess(manager, LEAD, robin.completionResult.processId);
    assert.match(r.data.lead_id, /^LEAD-\d{6}$/, 'a missing key is generated');
    assert.equal(r.assignedTo, acme.userIds.john);
    assert.deepEqual(r.derivedData, { full_name: 'Robin Scherbatsky' });
  });

  it('INVALID entries: each cause is named in validationMessage and nothing is created for them', async () => {
    const items: unknown[] = [
      { data: { first_name: 'A', favourite_colour: 'blue' } },
      { data: { first_name: 'B', city: 'Paris' } },
      { data: { first_name: 'C', score: 'many' } },
      { data: { last_name: 'D' } },
      42,
      'just a string',
      { data: { first_name: 'E' }, state: 'NO_SUCH_STATE' },
      { data: { first_name: 'F' }, assignedTo: 'nobody' },
      { data: { first_name: 'G', full_name: 'Derived' } },
    ];
    const before = await countLeads(manager);
    const { job } = await submit(manager, 'POST', BULK_CREATE, items);
    await drain(server.runtime);
    const entries = await allEntries(manager, job.id);
    assert.deepEqual(entries.map((e) => e.completionStatus), items.map(() => 'INVALID'));
    for (const e of entries) {
      assert.equal(e.validationStatus, 'ERROR');
      assert.equal(e.completionResult, null);
      assert.equal(e.completionMessage, '');
    }
    const why = entries.map((e) => e.validationMessage as string);
    assert.match(why[0], /favourite_colour/, 'unknown attribute');
    assert.match(why[1], /city.*Paris/, 'value not among the options');
    assert.match(why[2], /score.*integer/, 'value that cannot be coerced');
    assert.match(why[3], /first_name.*required/, 'required attribute missing');
    assert.match(why[4], /expected an object/, 'item is not an object');
    assert.match(why[5], /expected an object/, 'item is not an object');
    assert.match(why[6], /state.*NO_SUCH_STATE/, 'unknown state');
    assert.match(why[7], /assignedTo.*nobody/, 'unknown user');
    assert.match(why[8], /full_name.*derived/, 'derived attributes cannot be written');
    assert.equal(await countLeads(manager), before);
    const { job: done, counts: meta } = await fetchJob(manager, job.id);
    assert.equal(done.completionStatus, 'SUCCESS');
    assert.equal(done.statusMessage, `${items.length} entries: ${items.length} INVALID`);
    assert.deepEqual(meta, counts({ INVALID: items.length }));
  });

  it('a primary key repeated within the job: the first item wins, later ones are ERROR — also across batches', async () => {
    const items: unknown[] = Array.from({ length: 620 }, (_, i) => ({ lead_id: `DUP-${i}`, data: { first_name: `N${i}` } }));
    items[1] = { lead_id: 'DUP-0', data: { first_name: 'Second' } };
    items[600] = { data: { first_name: 'Late', lead_id: 'DUP-0' } };
    const { job } = await submit(manager, 'POST', BULK_CREATE, items);
    await drain(server.runtime);
    const entries = await allEntries(manager, job.id);
    assert.equal(entries.length, 620);
    assert.equal(entries[0].completionStatus, 'SUCCESS');
    for (const i of [1, 600]) {
      assert.equal(entries[i].completionStatus, 'ERROR', `entry ${i}`);
      assert.match(entries[i].completionMessage, /DUP-0/);
    }
    const { counts: meta } = await fetchJob(manager, job.id);
    assert.deepEqual(meta, counts({ SUCCESS: 618, ERROR: 2 }));
    const winner = await fetchProcess(manager, LEAD, entries[0].completionResult.processId);
    assert.equal(winner.data.first_name, 'N0');
    const list = await manager.post(`${LEAD}/list`, { where: { lead_id: 'DUP-0' }, includeTotal: true });
    assert.equal(list.body._meta.total, 1, 'only one process holds the key');
  });
});
