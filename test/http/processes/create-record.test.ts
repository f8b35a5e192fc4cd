import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import {
  LEAD, UNKNOWN_UUID, UUID, assertError, assertMessage, configIds, createProcess, dataOf, demoConfigWithDerived, fetchProcess, ticketsConfig,
  uploadPhoto, type Client, type ConfigIds,
} from '../../support/processes.ts';

describe('Create Process: the record, and references to photos (API.md §3 write rules)', () => {
  let server: TestServer;
  let acme: SeededTeam;
  let globex: SeededTeam;
  let ids: ConfigIds;
  let admin: Client;

  before(async () => {
    server = await startTestServer();
    acme = await seedTeam(server.runtime, 'acme');
    globex = await seedTeam(server.runtime, 'globex');
    // The record's data is not served by its own endpoint: a derived attribute shows what the process sees of it.
    await server.runtime.services.teamConfig.apply({
      teamSlug: 'acme', env: {},
      text: demoConfigWithDerived('acme', ['{ shortId: customer_email, name: Customer email, type: string, expression: "record.data.email" }']),
    });
    ids = await configIds(server.url, acme.tokens.admin);
    admin = client(server.url, acme.tokens.admin);
  });
  after(() => server.close());

  it('record.data creates a record of the entity: the process points to it', async () => {
    const p = await createProcess(admin, LEAD, { data: { first_name: 'Ted' }, record: { data: { phone_number: '9800000001', email: 'ted@Example.COM' } } });
    assert.match(p.record, UUID);
    assert.equal(p.entity, ids.entities.customer);
    assert.equal(p.derivedData.customer_email, 'ted@example.com', 'the record holds the coerced data');
    assert.deepEqual(await fetchProcess(admin, LEAD, p.id), p);
  });

  it('a second process for the same customer phone reuses the record and updates its data', async () => {
    const first = await createProcess(admin, LEAD, { data: { first_name: 'Lily' }, record: { data: { phone_number: '9800000002', email: 'lily@a.example' } } });
    // The same number written another way: found by the entity's primary key after coercion.
    const second = await createProcess(admin, LEAD, { data: { first_name: 'Lily' }, record: { data: { phone_number: '+91 98000-00002', email: 'lily@b.example' } } });
    assert.equal(second.record, first.record);
    assert.equal(second.derivedData.customer_email, 'lily@b.example', 'the record data was updated');
    const third = await createProcess(admin, LEAD, { data: { first_name: 'Lily' }, record: { data: { phone_number: '919800000002' } } });
    assert.equal(third.record, first.record);
    assert.equal(third.derivedData.customer_email, 'lily@b.example', 'data not given is kept');
    const other = await createProcess(admin, LEAD, { data: { first_name: 'Marshall' }, record: { data: { phone_number: '9800000003' } } });
    assert.notEqual(other.record, first.record, 'another phone is another record');
    assert.equal(other.derivedData.customer_email, null);
  });

  it('records are per team: the same phone in another team is another record', async () => {
    const mine = await createProcess(admin, LEAD, { data: { first_name: 'Ted' }, record: { data: { phone_number: '9800000009' } } });
    const theirs = await createProcess(client(server.url, globex.tokens.admin), LEAD, { data: { first_name: 'Ted' }, record: { data: { phone_number: '9800000009' } } });
    assert.notEqual(theirs.record, mine.record);
  });

  it('record is refused (400) on a procedure without entity', async () => {
    await server.runtime.services.teamConfig.apply({ teamSlug: 'helpdesk', text: ticketsConfig('helpdesk'), env: {} });
    const key = await server.runtime.services.apiKeys.createKey({ teamSlug: 'helpdesk', name: 'desk', roleShortId: 'admin' });
    const desk = client(server.url, key.token);
    const errors = assertError(await desk.post('/v1/ext/procedure/ticket/process', { data: { ticket_no: 'T-1' }, record: { data: {} } }), 400, 'VALIDATION_FAILED');
    assertMessage(errors, /record/);
    const made = await createProcess(desk, '/v1/ext/procedure/ticket/process', { data: { ticket_no: 'T-1' } });
    assert.equal(made.record, null);
    assert.equal(made.entity, null);
  });

  it('an unknown record attribute is 400 UNKNOWN_ATTRIBUTE naming the entity', async () => {
    const errors = assertError(await admin.post(LEAD, { data: { first_name: 'Ted' }, record: { data: { phone_number: '9800000004', colour: 'blue' } } }), 400, 'UNKNOWN_ATTRIBUTE');
    assertMessage(errors, /Unknown attribute 'colour' for entity 'customer'/);
  });

  it('record values are checked by type; the entity primary key is required; other record fields are refused', async () => {
    const cases: [unknown, RegExp][] = [
      [{ data: { phone_number: '9800000005', email: 'not-an-email' } }, /record\.data\.email/],
      [{ data: { email: 'x@y.example' } }, /record\.data\.phone_number: is required/],
      [{ data: { phone_number: 'call me' } }, /record\.data\.phone_number/],
      [{ id: UNKNOWN_UUID, data: { phone_number: '9800000005' } }, /record\.id/],
      ['9800000005', /record/],
    ];
    for (const [record, pattern] of cases) {
      assertMessage(assertError(await admin.post(LEAD, { data: { first_name: 'Ted' }, record }), 400, 'VALIDATION_FAILED'), pattern);
    }
    const list = dataOf(await admin.post(`${LEAD}/list`, { where: { phone_number: '9800000005' } }));
    assert.deepEqual(list, []);
  });

  it('a refused create leaves an existing record as it was', async () => {
    const p = await createProcess(admin, LEAD, { data: { first_name: 'Robin' }, record: { data: { phone_number: '9800000006', email: 'robin@a.example' } } });
    assertError(await admin.post(LEAD, { data: { first_name: 'Robin', score: 'many' }, record: { data: { phone_number: '9800000006', email: 'robin@b.example' } } }), 400, 'VALIDATION_FAILED');
    const again = await createProcess(admin, LEAD, { data: { first_name: 'Robin' }, record: { data: { phone_number: '9800000006' } } });
    assert.equal(again.record, p.record);
    assert.equal(again.derivedData.customer_email, 'robin@a.example');
  });

  it('a photo attribute takes the id of a photo of the same team', async () => {
    const photo = await uploadPhoto(server.url, acme.tokens.manager);
    const p = await createProcess(admin, LEAD, { data: { first_name: 'Ted', photo: photo.toUpperCase() } });
    assert.equal(p.data.photo, photo, 'stored as the lower-case UUID');
  });

  it('a photo of another team, an unknown UUID or a non-UUID is refused (400)', async () => {
    const foreign = await uploadPhoto(server.url, globex.tokens.admin);
    for (const photo of [foreign, UNKNOWN_UUID]) {
      assertMessage(assertError(await admin.post(LEAD, { data: { first_name: 'Ted', photo } }), 400, 'VALIDATION_FAILED'), new RegExp(photo));
    }
    assertMessage(assertError(await admin.post(LEAD, { data: { first_name: 'Ted', photo: 'selfie.png' } }), 400, 'VALIDATION_FAILED'), /data\.photo/);
  });
});
