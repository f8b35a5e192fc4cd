import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { LEAD, assertError, createProcess, dataOf, type Client } from '../../support/processes.ts';

const times = <T>(n: number, make: (i: number) => Promise<T>): Promise<T[]> => Promise.all(Array.from({ length: n }, (_, i) => make(i)));

describe('Concurrent writes keep primary keys unique (API.md §3)', () => {
  let server: TestServer;
  let admin: Client;

  before(async () => {
    server = await startTestServer();
    const acme = await seedTeam(server.runtime, 'acme');
    admin = client(server.url, acme.tokens.admin);
  });
  after(() => server.close());

  const liveWithKey = async (value: string) => dataOf(await admin.post(`${LEAD}/list`, { where: { lead_id: value }, limit: 100 }));

  it('20 concurrent creates with the same primary key: exactly one 200, the others 409', async () => {
    const responses = await times(20, (i) => admin.post(LEAD, { data: { first_name: `Racer ${i}`, lead_id: 'LEAD-RACE' } }));
    const ok = responses.filter((r) => r.status === 200);
    assert.equal(ok.length, 1, JSON.stringify(responses.map((r) => r.status)));
    for (const res of responses.filter((r) => r.status !== 200)) assertError(res, 409, 'CONFLICT');
    const live = await liveWithKey('LEAD-RACE');
    assert.deepEqual(live.map((p: any) => p.id), [ok[0].body._data.id]);
  });

  it('20 concurrent creates with the same key given at the root: exactly one 200', async () => {
    const responses = await times(20, (i) => admin.post(LEAD, { lead_id: 'LEAD-ROOT-RACE', data: { first_name: `Racer ${i}` } }));
    assert.equal(responses.filter((r) => r.status === 200).length, 1);
    assert.equal(responses.filter((r) => r.status === 409).length, 19);
    assert.equal((await liveWithKey('LEAD-ROOT-RACE')).length, 1);
  });

  it('50 concurrent creates with autoGenerate: 50 processes, 50 distinct keys', async () => {
    const responses = await times(50, (i) => admin.post(LEAD, { data: { first_name: `Gen ${i}` } }));
    const created = responses.map((r) => dataOf(r));
    const keys = created.map((p) => p.data.lead_id);
    for (const key of keys) assert.match(key, /^LEAD-\d{6}$/);
    assert.equal(new Set(keys).size, 50, `duplicates among ${keys.sort().join(', ')}`);
    assert.equal(new Set(created.map((p) => p.id)).size, 50);
    for (const key of keys.slice(0, 5)) assert.equal((await liveWithKey(key)).length, 1);
  });

  it('concurrent creates for the same customer phone share one record', async () => {
    const created = (await times(20, (i) => admin.post(LEAD, { data: { first_name: `Same ${i}` }, record: { data: { phone_number: '9800000077' } } }))).map((r) => dataOf(r));
    assert.equal(new Set(created.map((p) => p.record)).size, 1);
  });

  it('concurrent renames of different processes to the same key: exactly one wins', async () => {
    const processes = await times(10, (i) => createProcess(admin, LEAD, { data: { first_name: `Rename ${i}` } }));
    const responses = await Promise.all(processes.map((p) => admin.put(`${LEAD}/${p.id}`, { data: { lead_id: 'LEAD-RENAME-RACE' } })));
    assert.equal(responses.filter((r) => r.status === 200).length, 1, JSON.stringify(responses.map((r) => r.status)));
    for (const res of responses.filter((r) => r.status !== 200)) assertError(res, 409, 'CONFLICT');
    assert.equal((await liveWithKey('LEAD-RENAME-RACE')).length, 1);
  });

  it('concurrent updates of one process all apply (no lost write of different keys)', async () => {
    const p = await createProcess(admin, LEAD, { data: { first_name: 'Shared' } });
    const responses = await Promise.all([
      admin.put(`${LEAD}/${p.id}`, { data: { score: 5 } }),
      admin.put(`${LEAD}/${p.id}`, { data: { city: 'Goa' } }),
      admin.put(`${LEAD}/${p.id}`, { data: { last_name: 'Mosby' } }),
    ]);
    for (const res of responses) dataOf(res);
    const final = dataOf(await admin.get(`${LEAD}/${p.id}`));
    assert.deepEqual({ score: final.data.score, city: final.data.city, last_name: final.data.last_name }, { score: 5, city: 'Goa', last_name: 'Mosby' });
    const history = dataOf(await admin.get(`${LEAD}/${p.id}/history`));
    assert.equal(history.filter((e: any) => e.action === 'update').length, 3);
  });

  it('concurrent deletes of one process: exactly one 200, the others 404, one delete in its history', async () => {
    const p = await createProcess(admin, LEAD, { data: { first_name: 'Doomed' } });
    const responses = await times(10, () => admin.delete(`${LEAD}/${p.id}`));
    assert.equal(responses.filter((r) => r.status === 200).length, 1, JSON.stringify(responses.map((r) => r.status)));
    for (const res of responses.filter((r) => r.status !== 200)) assertError(res, 404, 'NOT_FOUND');
    const history = dataOf(await admin.get(`${LEAD}/${p.id}/history`));
    assert.deepEqual(history.map((e: any) => e.action), ['create', 'delete']);
  });
});
