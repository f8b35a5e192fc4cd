import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { LEAD, createProcess, fetchProcess, type Client } from '../../support/processes.ts';
import { HUGE_EPOCH_MS, HUGE_EPOCH_MS_TEXT, OUT_OF_RANGE_INSTANT } from '../../support/bounds.ts';
import { BULK_CREATE, BULK_UPDATE, allEntries, countLeads, drain, submit } from './bulk-support.ts';

describe('Bulk Create and Bulk Update: out-of-range times and numbers make INVALID entries, nothing stored', () => {
  let server: TestServer;
  let admin: Client;

  before(async () => {
    server = await startTestServer();
    const acme = await seedTeam(server.runtime, 'acme');
    admin = client(server.url, acme.tokens.admin);
  });
  after(() => server.close());

  async function run(method: 'POST' | 'PATCH', path: string, items: unknown[]): Promise<any[]> {
    const { job } = await submit(admin, method, path, { processes: items });
    await drain(server.runtime);
    return allEntries(admin, job.id);
  }

  it('a bulk-create item with nextActionAt beyond year 9999, as a numeric string or a number, is INVALID and creates nothing', async () => {
    const before = await countLeads(admin);
    const entries = await run('POST', BULK_CREATE, [
      { data: { first_name: 'Late' }, nextActionAt: HUGE_EPOCH_MS_TEXT },
      { data: { first_name: 'Late' }, nextActionAt: HUGE_EPOCH_MS },
      { data: { first_name: 'Big', score: '99999999999999999999' } },
    ]);
    assert.deepEqual(entries.map((e) => e.completionStatus), ['INVALID', 'INVALID', 'INVALID']);
    assert.match(entries[0].validationMessage, new RegExp(`nextActionAt: ${OUT_OF_RANGE_INSTANT.source}`));
    assert.match(entries[1].validationMessage, new RegExp(`nextActionAt: ${OUT_OF_RANGE_INSTANT.source}`));
    assert.match(entries[2].validationMessage, /data\.score: expected an integer/);
    assert.equal(await countLeads(admin), before);
  });

  it('a bulk-update item with an out-of-range nextActionAt is INVALID and leaves the process as it was', async () => {
    const p = await createProcess(admin, LEAD, { lead_id: 'BULK-KEEP', data: { first_name: 'Keep' }, nextActionAt: 1_700_000_000_000 });
    const entries = await run('PATCH', BULK_UPDATE, [
      { id: p.id, nextActionAt: HUGE_EPOCH_MS_TEXT },
      { lead_id: 'BULK-KEEP', update: { nextActionAt: HUGE_EPOCH_MS, data: { score: 3 } } },
    ]);
    assert.deepEqual(entries.map((e) => e.completionStatus), ['INVALID', 'INVALID']);
    for (const e of entries) assert.match(e.validationMessage, new RegExp(`nextActionAt: ${OUT_OF_RANGE_INSTANT.source}`));
    assert.deepEqual(await fetchProcess(admin, LEAD, p.id), p);
  });
});
