import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import {
  LEAD, assertError, assertMessage, configIds, createProcess, dataOf, fetchProcess, manualClock, type Client, type ConfigIds,
} from '../../support/processes.ts';

describe('Update Process, by id and by primary key (API.md §3)', () => {
  const time = manualClock();
  let server: TestServer;
  let acme: SeededTeam;
  let ids: ConfigIds;
  let admin: Client;

  before(async () => {
    server = await startTestServer({ clock: time.clock });
    acme = await seedTeam(server.runtime, 'acme');
    ids = await configIds(server.url, acme.tokens.admin);
    admin = client(server.url, acme.tokens.admin);
  });
  after(() => server.close());

  const newLead = (data: Record<string, unknown> = {}) => createProcess(admin, LEAD, { data: { first_name: 'Ted', last_name: 'Mosby', score: 1, city: 'Pune', ...data } });

  it('is partial: only the given data keys change; updatedAt moves, createdAt does not', async () => {
    const p = await newLead();
    const now = time.advance(5000);
    const updated = dataOf(await admin.put(`${LEAD}/${p.id}`, { data: { score: '7' } }));
    assert.deepEqual(updated.data, { ...p.data, score: 7 });
    assert.equal(updated.createdAt, p.createdAt);
    assert.equal(updated.updatedAt, now);
    assert.deepEqual({ ...updated, data: p.data, updatedAt: p.updatedAt }, p, 'nothing else changed');
    assert.deepEqual(await fetchProcess(admin, LEAD, p.id), updated);
  });

  it('by primary key: PUT …/process/lead_id/{value} updates the process with that value', async () => {
    const p = await newLead();
    const updated = dataOf(await admin.put(`${LEAD}/lead_id/${p.data.lead_id}`, { data: { city: 'Goa' }, state: 'IN_PROGRESS' }));
    assert.equal(updated.id, p.id);
    assert.equal(updated.data.city, 'Goa');
    assert.equal(updated.state, ids.states.lead.IN_PROGRESS);
  });

  it('by primary key: a value with a space and a slash is given percent-encoded', async () => {
    const value = 'EXT 7/2024';
    const p = await newLead({ lead_id: value });
    const updated = dataOf(await admin.put(`${LEAD}/lead_id/${encodeURIComponent(value)}`, { data: { score: 3 } }));
    assert.equal(updated.id, p.id);
    assert.equal(updated.data.score, 3);
  });

  it('null removes an attribute', async () => {
    const p = await newLead();
    const updated = dataOf(await admin.put(`${LEAD}/${p.id}`, { data: { last_name: null, city: null } }));
    assert.equal(Object.hasOwn(updated.data, 'last_name'), false);
    assert.equal(Object.hasOwn(updated.data, 'city'), false);
    assert.equal(updated.derivedData.full_name, 'Ted');
    assert.deepEqual((await fetchProcess(admin, LEAD, p.id)).data, { lead_id: p.data.lead_id, first_name: 'Ted', score: 1 });
  });

  it('a required attribute cannot be removed (400); the process is unchanged', async () => {
    const p = await newLead();
    time.advance();
    assertMessage(assertError(await admin.put(`${LEAD}/${p.id}`, { data: { first_name: null, score: 2 } }), 400, 'VALIDATION_FAILED'), /first_name/);
    assertMessage(assertError(await admin.put(`${LEAD}/${p.id}`, { data: { lead_id: null } }), 400, 'VALIDATION_FAILED'), /lead_id/);
    assert.deepEqual(await fetchProcess(admin, LEAD, p.id), p);
  });

  it('changing the primary key to a value another process uses is 409; nothing changes', async () => {
    const a = await newLead();
    const b = await newLead();
    time.advance();
    assertMessage(assertError(await admin.put(`${LEAD}/${b.id}`, { data: { lead_id: a.data.lead_id, score: 9 } }), 409, 'CONFLICT'), /lead_id/);
    assertError(await admin.put(`${LEAD}/lead_id/${b.data.lead_id}`, { data: { lead_id: a.data.lead_id } }), 409, 'CONFLICT');
    assert.deepEqual(await fetchProcess(admin, LEAD, b.id), b);
    assert.deepEqual(await fetchProcess(admin, LEAD, a.id), a);
  });

  it('changing the primary key to a free value works, and the old value becomes free', async () => {
    const p = await newLead();
    const old = p.data.lead_id;
    const updated = dataOf(await admin.put(`${LEAD}/${p.id}`, { data: { lead_id: 'LEAD-RENAMED' } }));
    assert.equal(updated.data.lead_id, 'LEAD-RENAMED');
    assertError(await admin.put(`${LEAD}/lead_id/${old}`, { data: { score: 2 } }), 404, 'NOT_FOUND');
    assert.equal(dataOf(await admin.put(`${LEAD}/lead_id/LEAD-RENAMED`, { data: { score: 2 } })).id, p.id);
    const reuse = await createProcess(admin, LEAD, { data: { first_name: 'Lily', lead_id: old } });
    assert.equal(reuse.data.lead_id, old);
    const same = dataOf(await admin.put(`${LEAD}/${p.id}`, { data: { lead_id: 'LEAD-RENAMED', score: 3 } }));
    assert.equal(same.data.score, 3, 'writing a process its own key is not a conflict');
  });

  it('status COMPLETED sets completedAt and the default completed state; OPEN resets completedAt to 0', async () => {
    const p = await newLead();
    const completedAt = time.advance();
    const done = dataOf(await admin.put(`${LEAD}/${p.id}`, { status: 'COMPLETED' }));
    assert.equal(done.status, 'COMPLETED');
    assert.equal(done.completedAt, completedAt);
    assert.equal(done.state, ids.states.lead.CONVERTED);
    time.advance();
    const again = dataOf(await admin.put(`${LEAD}/${p.id}`, { status: 'COMPLETED', data: { score: 2 } }));
    assert.equal(again.completedAt, completedAt, 'completing a completed process keeps its completedAt');
    time.advance();
    const reopened = dataOf(await admin.put(`${LEAD}/${p.id}`, { status: 'OPEN', state: 'IN_PROGRESS' }));
    assert.equal(reopened.status, 'OPEN');
    assert.equal(reopened.completedAt, 0);
    assert.equal(reopened.state, ids.states.lead.IN_PROGRESS);
  });

  it('status CANCELLED sets completedAt; COMPLETED with a state keeps that state', async () => {
    const p = await newLead();
    const cancelledAt = time.advance();
    const cancelled = dataOf(await admin.put(`${LEAD}/${p.id}`, { status: 'CANCELLED' }));
    assert.equal(cancelled.status, 'CANCELLED');
    assert.equal(cancelled.completedAt, cancelledAt);
    const q = await newLead();
    const lost = dataOf(await admin.put(`${LEAD}/${q.id}`, { status: 'COMPLETED', state: 'NOT_INTERESTED' }));
    assert.equal(lost.state, ids.states.lead.NOT_INTERESTED);
    assert.ok(lost.completedAt > 0);
  });

  it('state, assignedTo and nextActionAt are updated on their own; assignedTo null unassigns', async () => {
    const p = await newLead();
    let updated = dataOf(await admin.put(`${LEAD}/${p.id}`, { assignedTo: 'john@demo.example', nextActionAt: '2024-03-01T10:00:00+05:30' }));
    assert.equal(updated.assignedTo, acme.userIds.john);
    assert.equal(updated.nextActionAt, Date.UTC(2024, 2, 1, 4, 30));
    assert.equal(updated.state, ids.states.lead.NEW);
    updated = dataOf(await admin.put(`${LEAD}/${p.id}`, { assignedTo: null, state: 'NOT_INTERESTED', nextActionAt: 0 }));
    assert.equal(updated.assignedTo, null);
    assert.equal(updated.state, ids.states.lead.NOT_INTERESTED);
    assert.equal(updated.nextActionAt, 0);
    assert.equal(updated.status, 'OPEN', 'a state alone does not change the status');
    assert.deepEqual(updated.data, p.data);
  });

  it('an empty body or one that changes nothing answers the process as it is', async () => {
    const p = await newLead();
    time.advance();
    assert.deepEqual(dataOf(await admin.put(`${LEAD}/${p.id}`, {})), p);
    assert.deepEqual(dataOf(await admin.put(`${LEAD}/${p.id}`, { data: { score: 1, city: 'Pune' }, status: 'OPEN' })), p);
    assert.deepEqual(await fetchProcess(admin, LEAD, p.id), p);
  });
});
