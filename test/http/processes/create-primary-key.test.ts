import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { LEAD, assertError, assertMessage, createProcess, dataOf, ticketsConfig, type Client } from '../../support/processes.ts';

const TICKET = '/v1/ext/procedure/ticket/process';
const COMPLAINT = '/v1/ext/procedure/complaint/process';

describe('Create Process: the primary key (API.md §3 write rules)', () => {
  let server: TestServer;
  let admin: Client;
  let tickets: Client;

  before(async () => {
    server = await startTestServer();
    const acme = await seedTeam(server.runtime, 'acme');
    admin = client(server.url, acme.tokens.admin);
    await server.runtime.services.teamConfig.apply({ teamSlug: 'helpdesk', text: ticketsConfig('helpdesk'), env: {} });
    const key = await server.runtime.services.apiKeys.createKey({ teamSlug: 'helpdesk', name: 'desk', roleShortId: 'admin' });
    tickets = client(server.url, key.token);
  });
  after(() => server.close());

  const leadIds = async (where: Record<string, unknown>): Promise<string[]> =>
    dataOf(await admin.post(`${LEAD}/list`, { where, limit: 100 })).map((p: any) => p.id);

  it('autoGenerate numbers keys in order from 1, with the prefix and digits of the config', async () => {
    const generated: string[] = [];
    for (let i = 0; i < 3; i++) generated.push((await createProcess(admin, LEAD, { data: { first_name: `Gen ${i}` } })).data.lead_id);
    assert.deepEqual(generated, ['LEAD-000001', 'LEAD-000002', 'LEAD-000003']);
  });

  it('a generated key skips a value already taken by hand', async () => {
    const byHand = await createProcess(admin, LEAD, { data: { first_name: 'Manual', lead_id: 'LEAD-000005' } });
    assert.equal(byHand.data.lead_id, 'LEAD-000005');
    const next = await createProcess(admin, LEAD, { data: { first_name: 'Gen 4' } });
    const afterThat = await createProcess(admin, LEAD, { data: { first_name: 'Gen 5' } });
    assert.equal(next.data.lead_id, 'LEAD-000004');
    assert.equal(afterThat.data.lead_id, 'LEAD-000006', 'LEAD-000005 was taken, so it is skipped');
  });

  it('the key may be given at the root of the body', async () => {
    const p = await createProcess(admin, LEAD, { lead_id: 'LEAD-ROOT-1', data: { first_name: 'Rooted' } });
    assert.equal(p.data.lead_id, 'LEAD-ROOT-1');
    assert.equal(Object.hasOwn(p, 'lead_id'), false, 'the key is stored in data, not at the root');
    const fetched = dataOf(await admin.get(`${LEAD}/${p.id}`));
    assert.equal(fetched.data.lead_id, 'LEAD-ROOT-1');
    const both = await createProcess(admin, LEAD, { lead_id: 'LEAD-ROOT-2', data: { first_name: 'Rooted', lead_id: 'LEAD-ROOT-2' } });
    assert.equal(both.data.lead_id, 'LEAD-ROOT-2', 'the same value in both places is fine');
  });

  it('the key given at the root and in data with different values is refused (400), nothing created', async () => {
    const errors = assertError(await admin.post(LEAD, { lead_id: 'LEAD-X-1', data: { first_name: 'Split', lead_id: 'LEAD-X-2' } }), 400, 'VALIDATION_FAILED');
    assertMessage(errors, /lead_id/);
    assert.deepEqual(await leadIds({ lead_id: ['LEAD-X-1', 'LEAD-X-2'] }), []);
  });

  it('a key value already used by a live process of the procedure is 409, in data or at the root', async () => {
    const first = await createProcess(admin, LEAD, { data: { first_name: 'First', lead_id: 'LEAD-DUP' } });
    const inData = assertError(await admin.post(LEAD, { data: { first_name: 'Second', lead_id: 'LEAD-DUP' } }), 409, 'CONFLICT');
    assertMessage(inData, /lead_id/, /LEAD-DUP/);
    assertError(await admin.post(LEAD, { lead_id: 'LEAD-DUP', data: { first_name: 'Third' } }), 409, 'CONFLICT');
    assertError(await admin.post(LEAD, { data: { first_name: 'Fourth', lead_id: '  LEAD-DUP ' } }), 409, 'CONFLICT');
    assert.deepEqual(await leadIds({ lead_id: 'LEAD-DUP' }), [first.id], 'only the first one exists');
  });

  it('a generated key is never a duplicate of a refused one', async () => {
    const refused = await admin.post(LEAD, { data: { first_name: 'Dup', lead_id: 'LEAD-000001' } });
    assertError(refused, 409, 'CONFLICT');
    const next = await createProcess(admin, LEAD, { data: { first_name: 'Gen 6' } });
    assert.match(next.data.lead_id, /^LEAD-0000(0[7-9]|\d\d)$/);
    assert.equal((await leadIds({ lead_id: next.data.lead_id })).length, 1);
  });

  it('a procedure whose key is not generated refuses a create without it (400)', async () => {
    const errors = assertError(await tickets.post(TICKET, { data: { subject: 'Printer on fire' } }), 400, 'VALIDATION_FAILED');
    assertMessage(errors, /ticket_no/);
    const list = dataOf(await tickets.post(`${TICKET}/list`, {}));
    assert.deepEqual(list, []);
  });

  it('such a procedure takes the key in data or at the root; numbers are stored as strings', async () => {
    const inData = await createProcess(tickets, TICKET, { data: { ticket_no: 'T-1', subject: 'a' } });
    assert.equal(inData.data.ticket_no, 'T-1');
    const atRoot = await createProcess(tickets, TICKET, { ticket_no: 42, data: { subject: 'b' } });
    assert.equal(atRoot.data.ticket_no, '42');
    assertError(await tickets.post(TICKET, { data: { ticket_no: '42' } }), 409, 'CONFLICT');
    assertError(await tickets.post(TICKET, { ticket_no: '', data: {} }), 400, 'VALIDATION_FAILED');
  });

  it('keys are unique per procedure: another procedure may use the same value', async () => {
    const complaint = await createProcess(tickets, COMPLAINT, { data: { ticket_no: 'T-1' } });
    assert.equal(complaint.data.ticket_no, 'T-1');
    assert.notEqual(complaint.procedure, (await createProcess(tickets, TICKET, { data: { ticket_no: 'T-2' } })).procedure);
  });

  it('a root field named like the key of another procedure is an unknown field (400)', async () => {
    assertMessage(assertError(await tickets.post(TICKET, { lead_id: 'LEAD-1', data: { ticket_no: 'T-9' } }), 400, 'VALIDATION_FAILED'), /lead_id/);
  });
});
