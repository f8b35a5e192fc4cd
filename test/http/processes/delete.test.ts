import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { LEAD, PROCESS_KEYS, assertError, createProcess, dataOf, manualClock, type Client } from '../../support/processes.ts';

describe('Delete Process, by id and by primary-key value (API.md §3)', () => {
  const time = manualClock();
  let server: TestServer;
  let admin: Client;

  before(async () => {
    server = await startTestServer({ clock: time.clock });
    const acme = await seedTeam(server.runtime, 'acme');
    admin = client(server.url, acme.tokens.admin);
  });
  after(() => server.close());

  const newLead = (data: Record<string, unknown> = {}) => createProcess(admin, LEAD, { data: { first_name: 'Ted', score: 1, ...data } });
  const listedIds = async () => dataOf(await admin.post(`${LEAD}/list`, { limit: 100 })).map((p: any) => p.id);

  /** After a delete the process is gone from every endpoint that names it. */
  async function assertGone(p: any): Promise<void> {
    assertError(await admin.get(`${LEAD}/${p.id}`), 404, 'NOT_FOUND');
    assertError(await admin.put(`${LEAD}/${p.id}`, { data: { score: 2 } }), 404, 'NOT_FOUND');
    assertError(await admin.put(`${LEAD}/lead_id/${p.data.lead_id}`, { data: { score: 2 } }), 404, 'NOT_FOUND');
    assertError(await admin.delete(`${LEAD}/${p.id}`), 404, 'NOT_FOUND');
    assertError(await admin.delete(`${LEAD}/lead_id/${p.data.lead_id}`), 404, 'NOT_FOUND');
    assertError(await admin.get(`/v1/ext/p/lead/${p.id}/tasks`), 404, 'NOT_FOUND');
    assertError(await admin.post(`/v1/ext/p/lead/${p.id}/task/call`, { data: { remarks: 'x' } }), 404, 'NOT_FOUND');
    assert.equal((await listedIds()).includes(p.id), false, 'not listed');
  }

  it('by id: answers the process with isDeleted true and deletedAt, then it is gone', async () => {
    const p = await newLead();
    const now = time.advance();
    const deleted = dataOf(await admin.delete(`${LEAD}/${p.id}`));
    assert.deepEqual(Object.keys(deleted).sort(), PROCESS_KEYS);
    assert.equal(deleted.isDeleted, true);
    assert.equal(deleted.deletedAt, now);
    assert.deepEqual({ ...deleted, isDeleted: false, deletedAt: null, updatedAt: p.updatedAt }, p, 'the rest is the process as it was');
    await assertGone(p);
  });

  it('by primary-key value: the same answer; deleting twice is 404', async () => {
    const p = await newLead();
    const now = time.advance();
    const deleted = dataOf(await admin.delete(`${LEAD}/lead_id/${p.data.lead_id}`));
    assert.equal(deleted.id, p.id);
    assert.equal(deleted.isDeleted, true);
    assert.equal(deleted.deletedAt, now);
    await assertGone(p);
  });

  it('leaves the other processes alone', async () => {
    const keep = await newLead();
    const drop = await newLead();
    dataOf(await admin.delete(`${LEAD}/${drop.id}`));
    assert.deepEqual(dataOf(await admin.get(`${LEAD}/${keep.id}`)), keep);
    assert.ok((await listedIds()).includes(keep.id));
  });

  it('frees the primary-key value: a new process may take it, and the key then names the new one', async () => {
    const old = await newLead({ lead_id: 'LEAD-REUSED' });
    dataOf(await admin.delete(`${LEAD}/${old.id}`));
    const reborn = await newLead({ lead_id: 'LEAD-REUSED', score: 2 });
    assert.notEqual(reborn.id, old.id);
    assert.equal(dataOf(await admin.put(`${LEAD}/lead_id/LEAD-REUSED`, { data: { score: 3 } })).id, reborn.id);
    assertError(await admin.get(`${LEAD}/${old.id}`), 404, 'NOT_FOUND');
    assertError(await admin.post(LEAD, { data: { first_name: 'Dup', lead_id: 'LEAD-REUSED' } }), 409, 'CONFLICT');
    // Several deleted processes may have held the same value.
    dataOf(await admin.delete(`${LEAD}/lead_id/LEAD-REUSED`));
    const third = await newLead({ lead_id: 'LEAD-REUSED' });
    assert.equal(dataOf(await admin.delete(`${LEAD}/lead_id/LEAD-REUSED`)).id, third.id);
    assertError(await admin.delete(`${LEAD}/lead_id/LEAD-REUSED`), 404, 'NOT_FOUND');
  });

  it('a generated key freed by a delete is not handed out twice while its process lives', async () => {
    const a = await newLead();
    const b = await newLead();
    assert.notEqual(a.data.lead_id, b.data.lead_id);
    dataOf(await admin.delete(`${LEAD}/${a.id}`));
    const c = await newLead();
    assert.notEqual(c.data.lead_id, b.data.lead_id);
  });

  it('a process key can be renamed to the value of a deleted process', async () => {
    const gone = await newLead({ lead_id: 'LEAD-FREED' });
    const p = await newLead();
    dataOf(await admin.delete(`${LEAD}/${gone.id}`));
    assert.equal(dataOf(await admin.put(`${LEAD}/${p.id}`, { data: { lead_id: 'LEAD-FREED' } })).data.lead_id, 'LEAD-FREED');
  });
});
