import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { LEAD, createProcess, dataOf, fetchProcess, specimenConfig, uploadPhoto, type Client } from '../../support/processes.ts';

const SPECIMEN = '/v1/ext/procedure/specimen/process';
/** 2024-03-01T10:00:00+05:30: the team's timezone is +05:30. */
const INSTANT = Date.UTC(2024, 2, 1, 4, 30);

interface Refs {
  photo: string;
  john: string;
  process: string;
  record: string;
  task: string;
}

/** [attribute, a value as a client may write it, the value stored and answered]. */
function acceptedCases(r: Refs): [string, unknown, unknown][] {
  return [
    ['a_string', 42, '42'],
    ['a_name', 'Ted Mosby', 'Ted Mosby'],
    ['a_text', 'line 1\nline 2 ✓', 'line 1\nline 2 ✓'],
    ['a_url', 'https://example.com/a?b=1', 'https://example.com/a?b=1'],
    ['a_html', '<b>bold</b>', '<b>bold</b>'],
    ['a_email', 'Ted@Example.COM', 'Ted@example.com'],
    ['a_phone', '+1 (555) 010-0000', '15550100000'],
    ['a_stringId', '  ID-1 ', 'ID-1'],
    ['a_integerId', '7', 7],
    ['a_integer', '-3', -3],
    ['a_number', 9007199254740991, 9007199254740991],
    ['a_float', '3.25', 3.25],
    ['a_decimal', 0.1, 0.1],
    ['a_boolean', 'true', true],
    ['a_stringEnum', 'green', 'green'],
    ['a_integerEnum', '2', 2],
    ['a_floatEnum', '1.5', 1.5],
    ['a_multiStringEnum', 'red', ['red']],
    ['a_multiIntegerEnum', ['3', 1, 3], [3, 1]],
    ['a_multiFloatEnum', [0.5], [0.5]],
    ['a_multiString', ['a', 1], ['a', '1']],
    ['a_date', '2024-03-01', Date.UTC(2024, 1, 29, 18, 30)],
    ['a_datetime', '2024-03-01T10:00:00', INSTANT],
    ['a_time', '09:30', 34_200_000],
    ['a_datetimeISO8601', INSTANT, '2024-03-01T10:00:00.000+05:30'],
    ['a_photo', r.photo, r.photo],
    ['a_multiPhotos', [r.photo], [r.photo]],
    ['a_geolocation', { lat: '18.52', lng: 73.85 }, [18.52, 73.85]],
    ['a_json', { sku: 'A-1', sizes: [1, { x: null }] }, { sku: 'A-1', sizes: [1, { x: null }] }],
    ['a_externalObject', { id: 'ext-1' }, { id: 'ext-1' }],
    ['a_customObject', [1, 2], [1, 2]],
    ['a_freeJson', 'just text', 'just text'],
    ['a_user', 'john', r.john],
    ['a_process', r.process, r.process],
    ['a_record', r.record, r.record],
    ['a_task', r.task, r.task],
    ['a_processCollection', r.process, [r.process]],
    ['a_recordCollection', [r.record], [r.record]],
    ['a_taskCollection', [r.task], [r.task]],
  ];
}

describe('Create and update Process: values are coerced to their stored form by attribute type (CONFIG.md)', () => {
  let server: TestServer;
  let acme: SeededTeam;
  let admin: Client;
  let refs: Refs;

  before(async () => {
    server = await startTestServer();
    acme = await seedTeam(server.runtime, 'acme');
    await server.runtime.services.teamConfig.apply({ teamSlug: 'acme', text: specimenConfig('acme'), env: {} });
    admin = client(server.url, acme.tokens.admin);
    const lead = await createProcess(admin, LEAD, { data: { first_name: 'Ted' }, record: { data: { phone_number: '9800000001' } } });
    const task = dataOf(await admin.post(`/v1/ext/p/lead/${lead.id}/task/call`, { data: { remarks: 'first call' } }));
    refs = { photo: await uploadPhoto(server.url, acme.tokens.admin), john: acme.userIds.john, process: lead.id, record: lead.record, task: task.id };
  });
  after(() => server.close());

  it('stores every type in its canonical form, and a fetch answers the same', async () => {
    const cases = acceptedCases(refs);
    const p = await createProcess(admin, SPECIMEN, { data: Object.fromEntries(cases.map(([shortId, given]) => [shortId, given])) });
    const expected = Object.fromEntries(cases.map(([shortId, , stored]) => [shortId, stored]));
    assert.deepEqual(p.data, expected);
    assert.deepEqual((await fetchProcess(admin, SPECIMEN, p.id)).data, expected);
  });

  it('booleans: true/false, "true"/"false" in any case, 1/0', async () => {
    const cases: [unknown, boolean][] = [[true, true], [false, false], ['true', true], ['FALSE', false], ['1', true], [0, false]];
    for (const [given, stored] of cases) {
      const p = await createProcess(admin, SPECIMEN, { data: { a_boolean: given } });
      assert.equal(p.data.a_boolean, stored, `a_boolean ${JSON.stringify(given)}`);
    }
  });

  it('datetimes: epoch ms, numeric string, ISO-8601 with or without offset are stored as epoch ms', async () => {
    for (const given of [INSTANT, String(INSTANT), '2024-03-01T04:30:00.000Z', '2024-03-01T10:00:00+05:30', '2024-03-01T10:00:00']) {
      const p = await createProcess(admin, SPECIMEN, { data: { a_datetime: given } });
      assert.equal(p.data.a_datetime, INSTANT, `a_datetime ${JSON.stringify(given)}`);
    }
  });

  it('an update coerces the same way', async () => {
    const p = await createProcess(admin, SPECIMEN, { data: { a_integer: 1 } });
    const updated = dataOf(await admin.put(`${SPECIMEN}/${p.id}`, { data: { a_integer: '105', a_boolean: 'false', a_user: 'ravi', a_datetime: '2024-03-01T10:00:00' } }));
    assert.deepEqual(updated.data, { a_integer: 105, a_boolean: false, a_user: acme.userIds.ravi, a_datetime: INSTANT });
  });

  it('a user attribute written as a username is stored as that user\'s UUID', async () => {
    const p = await createProcess(admin, SPECIMEN, { data: { a_user: 'ravi', a_string: 'x' } });
    assert.equal(p.data.a_user, acme.userIds.ravi);
    const byId = await createProcess(admin, SPECIMEN, { data: { a_user: acme.userIds.priya.toUpperCase() } });
    assert.equal(byId.data.a_user, acme.userIds.priya);
  });
});
