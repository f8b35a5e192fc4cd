import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import {
  LEAD, UNKNOWN_UUID, assertError, assertMessage, configIds, createProcess, dataOf, fetchProcess, manualClock, specimenConfig,
  type Client, type ConfigIds,
} from '../../support/processes.ts';

describe('Fetch and Update Process: addressing and refused bodies (API.md §3)', () => {
  const time = manualClock();
  let server: TestServer;
  let ids: ConfigIds;
  let admin: Client;
  let ted: any;

  before(async () => {
    server = await startTestServer({ clock: time.clock });
    const acme = await seedTeam(server.runtime, 'acme');
    // A second procedure in the team, to show a process is only found under its own procedure.
    await server.runtime.services.teamConfig.apply({ teamSlug: 'acme', text: specimenConfig('acme'), env: {} });
    ids = await configIds(server.url, acme.tokens.admin);
    admin = client(server.url, acme.tokens.admin);
    ted = await createProcess(admin, LEAD, { data: { first_name: 'Ted', score: 1 }, assignedTo: 'john' });
    time.advance();
  });
  after(() => server.close());

  /** Every refused request leaves the process exactly as it was (updatedAt included). */
  const assertUnchanged = async () => assert.deepEqual(await fetchProcess(admin, LEAD, ted.id), ted);

  it('a processId that is not a UUID is 400 on fetch, update, delete and history', async () => {
    for (const [method, path] of [['GET', 'not-a-uuid'], ['PUT', '12345'], ['DELETE', 'LEAD-000001'], ['GET', 'not-a-uuid/history']]) {
      const res = await admin.send(method, `${LEAD}/${path}`, method === 'PUT' ? { json: { data: { score: 2 } } } : {});
      assertMessage(assertError(res, 400, 'BAD_REQUEST'), /processId/);
    }
    await assertUnchanged();
  });

  it('an unknown process UUID is 404 on fetch, update, delete and history', async () => {
    for (const [method, path] of [['GET', UNKNOWN_UUID], ['PUT', UNKNOWN_UUID], ['DELETE', UNKNOWN_UUID], ['GET', `${UNKNOWN_UUID}/history`]]) {
      assertError(await admin.send(method, `${LEAD}/${path}`, method === 'PUT' ? { json: { data: { score: 2 } } } : {}), 404, 'NOT_FOUND');
    }
  });

  it('a process id is found only under its own procedure (404 under another)', async () => {
    assertError(await admin.get(`/v1/ext/procedure/specimen/process/${ted.id}`), 404, 'NOT_FOUND');
    assertError(await admin.put(`/v1/ext/procedure/specimen/process/${ted.id}`, { data: {} }), 404, 'NOT_FOUND');
    assertError(await admin.delete(`/v1/ext/procedure/specimen/process/${ted.id}`), 404, 'NOT_FOUND');
    await assertUnchanged();
  });

  it('the id is matched whatever its letter case', async () => {
    assert.equal((await fetchProcess(admin, LEAD, ted.id.toUpperCase())).id, ted.id);
  });

  it('an unknown procedure is 404 on every process endpoint', async () => {
    const base = '/v1/ext/procedure/nosuch/process';
    assertError(await admin.post(base, { data: { first_name: 'Ted' } }), 404, 'NOT_FOUND');
    assertError(await admin.get(`${base}/${ted.id}`), 404, 'NOT_FOUND');
    assertError(await admin.put(`${base}/${ted.id}`, { data: { score: 2 } }), 404, 'NOT_FOUND');
    assertError(await admin.put(`${base}/lead_id/${ted.data.lead_id}`, { data: { score: 2 } }), 404, 'NOT_FOUND');
    assertError(await admin.delete(`${base}/${ted.id}`), 404, 'NOT_FOUND');
    assertError(await admin.delete(`${base}/lead_id/${ted.data.lead_id}`), 404, 'NOT_FOUND');
    assertError(await admin.get(`${base}/${ted.id}/history`), 404, 'NOT_FOUND');
    assertError(await admin.post(`/v1/ext/procedure/${UNKNOWN_UUID}/process`, { data: { first_name: 'Ted' } }), 404, 'NOT_FOUND');
    await assertUnchanged();
  });

  it('the procedure may be addressed by its UUID', async () => {
    const base = `/v1/ext/procedure/${ids.procedures.lead}/process`;
    const made = await createProcess(admin, base, { data: { first_name: 'Uuid' } });
    assert.equal(made.procedure, ids.procedures.lead);
    assert.equal((await fetchProcess(admin, base, made.id)).id, made.id);
    assert.equal(dataOf(await admin.put(`${base}/${made.id}`, { data: { score: 4 } })).data.score, 4);
    assert.equal(dataOf(await admin.put(`${base}/lead_id/${made.data.lead_id}`, { data: { score: 5 } })).data.score, 5);
    assert.equal(dataOf(await admin.delete(`${base}/${made.id}`)).isDeleted, true);
  });

  it('{primaryKeyShortId} must be the primary key of the procedure (400)', async () => {
    assertMessage(assertError(await admin.put(`${LEAD}/first_name/Ted`, { data: { score: 2 } }), 400, 'BAD_REQUEST'), /first_name/, /lead_id/);
    assertError(await admin.put(`${LEAD}/colour/blue`, { data: { score: 2 } }), 400, 'BAD_REQUEST');
    assertError(await admin.delete(`${LEAD}/first_name/Ted`), 400, 'BAD_REQUEST');
    assertError(await admin.put(`/v1/ext/procedure/specimen/process/a_string/x`, { data: {} }), 400, 'BAD_REQUEST');
    await assertUnchanged();
  });

  it('an unknown primary-key value is 404', async () => {
    assertError(await admin.put(`${LEAD}/lead_id/LEAD-999999`, { data: { score: 2 } }), 404, 'NOT_FOUND');
    assertError(await admin.put(`${LEAD}/lead_id/${ted.data.lead_id.toLowerCase()}`, { data: { score: 2 } }), 404, 'NOT_FOUND');
    assertError(await admin.delete(`${LEAD}/lead_id/LEAD-999999`), 404, 'NOT_FOUND');
    await assertUnchanged();
  });

  it('unknown body fields are refused (400): record, the primary key at the root, colour, isDeleted', async () => {
    for (const body of [{ record: { data: { phone_number: '9800000001' } } }, { lead_id: 'LEAD-9' }, { colour: 'blue' }, { isDeleted: true }, { data: { score: 2 }, id: ted.id }]) {
      const key = Object.keys(body).at(-1)!;
      assertMessage(assertError(await admin.put(`${LEAD}/${ted.id}`, body), 400, 'VALIDATION_FAILED'), new RegExp(key));
    }
    await assertUnchanged();
  });

  it('refused values change nothing, even beside valid ones', async () => {
    const bodies: [unknown, number, string][] = [
      [{ data: { score: 2, colour: 'blue' } }, 400, 'UNKNOWN_ATTRIBUTE'],
      [{ data: { score: 2, city: 'Paris' } }, 400, 'VALIDATION_FAILED'],
      [{ data: { score: 'two' } }, 400, 'VALIDATION_FAILED'],
      [{ data: { score: 2 }, state: 'WON' }, 400, 'VALIDATION_FAILED'],
      [{ data: { score: 2 }, status: 'DONE' }, 400, 'VALIDATION_FAILED'],
      [{ data: { score: 2 }, assignedTo: 'nobody' }, 400, 'VALIDATION_FAILED'],
      [{ data: { score: 2 }, nextActionAt: 'later' }, 400, 'VALIDATION_FAILED'],
      [{ data: { score: 2, photo: UNKNOWN_UUID } }, 400, 'VALIDATION_FAILED'],
      [{ data: 'score=2' }, 400, 'VALIDATION_FAILED'],
      [{ data: { score: 2, full_name: 'X' } }, 400, 'VALIDATION_FAILED'],
      [[{ data: { score: 2 } }], 400, 'VALIDATION_FAILED'],
    ];
    for (const [body, status, code] of bodies) {
      assertError(await admin.put(`${LEAD}/${ted.id}`, body), status, code);
      assertError(await admin.put(`${LEAD}/lead_id/${ted.data.lead_id}`, body), status, code);
    }
    await assertUnchanged();
  });
});
