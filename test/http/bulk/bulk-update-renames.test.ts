import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { LEAD, createProcess, fetchProcess, type Client } from '../../support/processes.ts';
import { BULK_UPDATE, allEntries, counts, drain, fetchJob, submit } from './bulk-support.ts';

/** Over 2,000 items, so the job is split into partitions. */
const ITEMS = 2500;

describe('Bulk Update: items linked by a primary-key change apply in request order across partitions', () => {
  let server: TestServer;
  let admin: Client;

  before(async () => {
    server = await startTestServer();
    const acme = await seedTeam(server.runtime, 'acme');
    admin = client(server.url, acme.tokens.admin);
  });
  after(() => server.close());

  const lead = (leadId: string) => createProcess(admin, LEAD, { lead_id: leadId, data: { first_name: leadId, score: 0 } });

  /** `n` items updating the FILL-* leads by key; the last one for each lead sets its score. */
  function fillers(n: number, from: number): Record<string, unknown>[] {
    return Array.from({ length: n }, (_, i) => ({ lead_id: `FILL-${i % 10}`, data: { score: from + i } }));
  }

  /** Submits the items, runs the workers, and checks that every entry succeeded. */
  async function applyAll(items: unknown[]): Promise<void> {
    assert.equal(items.length, ITEMS);
    const { job } = await submit(admin, 'PATCH', BULK_UPDATE, { processes: items });
    const stored = await server.runtime.db.kysely.selectFrom('background_jobs').select('partitions').where('id', '=', job.id).executeTakeFirstOrThrow();
    assert.ok(Number(stored.partitions) > 1, 'the job is split into partitions');
    await drain(server.runtime);
    const failed = (await allEntries(admin, job.id)).filter((e) => e.completionStatus !== 'SUCCESS');
    assert.deepEqual(failed.map((e) => `${e.index}: ${e.completionMessage}${e.validationMessage}`), [], 'every entry succeeded');
    assert.deepEqual((await fetchJob(admin, job.id)).counts, counts({ SUCCESS: ITEMS }));
  }

  before(async () => {
    for (let i = 0; i < 10; i++) await lead(`FILL-${i}`);
  });

  it('an item naming a process by the primary key an earlier item gave it applies after that item', async () => {
    // Twenty renames, half naming the process by key and half by UUID, each followed much later
    // by an update naming the new key: with two partitions, some would land apart by chance.
    const renamed = [];
    for (let k = 0; k < 20; k++) renamed.push(await lead(`OLD-${k}`));
    const renames = renamed.map((p, k) => (k < 10 ? { lead_id: `OLD-${k}`, data: { lead_id: `NEW-${k}` } } : { id: p.id, data: { lead_id: `NEW-${k}` } }));
    const byNewKey = renamed.map((_, k) => ({ lead_id: `NEW-${k}`, data: { score: 1000 + k, city: 'Goa' } }));
    const filler = fillers(ITEMS - 40, 1);
    await applyAll([...renames, ...filler, ...byNewKey]);

    for (const [k, p] of renamed.entries()) {
      const now = await fetchProcess(admin, LEAD, p.id);
      assert.deepEqual(now.data, { lead_id: `NEW-${k}`, first_name: `OLD-${k}`, score: 1000 + k, city: 'Goa' }, `process ${k}`);
    }
    for (let i = 0; i < 10; i++) {
      const last = filler.findLastIndex((item) => item.lead_id === `FILL-${i}`);
      const found = await admin.post(`${LEAD}/list`, { where: { lead_id: `FILL-${i}` } });
      assert.equal(found.body._data[0].data.score, last + 1, `FILL-${i} holds its last update`);
    }
  });

  it('a chain of renames A → B → C, and a key one process gives up and another takes, apply in request order', async () => {
    const chains = [];
    const swaps = [];
    for (let k = 0; k < 10; k++) chains.push(await lead(`CHAIN-A-${k}`));
    for (let k = 0; k < 5; k++) swaps.push({ leaving: await lead(`SEAT-${k}`), taking: await lead(`TAKER-${k}`) });
    const items: Record<string, unknown>[] = fillers(ITEMS, 5000);
    // Written over the filler at chosen positions: early, middle, late and last.
    chains.forEach((_, k) => {
      items[k] = { lead_id: `CHAIN-A-${k}`, data: { lead_id: `CHAIN-B-${k}` } };
      items[1000 + k] = { lead_id: `CHAIN-B-${k}`, data: { lead_id: `CHAIN-C-${k}` } };
      items[ITEMS - 1 - k] = { lead_id: `CHAIN-C-${k}`, data: { score: 2000 + k } };
    });
    swaps.forEach((_, k) => {
      items[20 + k] = { lead_id: `SEAT-${k}`, data: { lead_id: `LEFT-${k}` } };
      items[1500 + k] = { lead_id: `TAKER-${k}`, data: { lead_id: `SEAT-${k}` } };
      items[ITEMS - 20 - k] = { lead_id: `SEAT-${k}`, data: { score: 3000 + k } };
    });
    await applyAll(items);

    for (const [k, p] of chains.entries()) {
      const now = await fetchProcess(admin, LEAD, p.id);
      assert.equal(now.data.lead_id, `CHAIN-C-${k}`);
      assert.equal(now.data.score, 2000 + k, `chain ${k}: the update by the last key applied to it`);
    }
    for (const [k, { leaving, taking }] of swaps.entries()) {
      const left = await fetchProcess(admin, LEAD, leaving.id);
      const took = await fetchProcess(admin, LEAD, taking.id);
      assert.deepEqual([left.data.lead_id, left.data.score], [`LEFT-${k}`, 0], `swap ${k}: the process that left the key`);
      assert.deepEqual([took.data.lead_id, took.data.score], [`SEAT-${k}`, 3000 + k], `swap ${k}: the process that took it got the later update`);
    }
  });
});
