import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { SPECIMEN_ATTRIBUTES, UNKNOWN_UUID, assertError, assertMessage, createProcess, dataOf, specimenConfig, type Client } from '../../support/processes.ts';

const SPECIMEN = '/v1/ext/procedure/specimen/process';

/** [attribute, a value it cannot take, what the message must say was expected]. */
const REFUSED: [string, unknown, RegExp][] = [
  ['a_string', { k: 1 }, /expected a string/],
  ['a_name', [1], /expected a string/],
  ['a_text', { text: 'x' }, /expected a string/],
  ['a_url', 'not a url', /expected an absolute http\(s\) URL/],
  ['a_html', [], /expected a string/],
  ['a_email', 'someone@', /expected an email address/],
  ['a_phone', 'call me', /expected a phone number/],
  ['a_stringId', '   ', /expected a non-empty string/],
  ['a_integerId', 'ID-7', /expected an integer/],
  ['a_integer', 1.5, /expected an integer/],
  ['a_number', 'ten', /expected an integer/],
  ['a_float', 'abc', /expected a number/],
  ['a_decimal', true, /expected a number/],
  ['a_boolean', 'yes', /expected true or false/],
  ['a_stringEnum', 'blue', /expected one of red, green/],
  ['a_integerEnum', 4, /expected one of 1, 2, 3/],
  ['a_floatEnum', '2.5', /expected one of 0\.5, 1\.5/],
  ['a_multiStringEnum', ['red', 'pink'], /^data\.a_multiStringEnum\[1\]: expected one of red, green, blue/],
  ['a_multiIntegerEnum', [1, 'x'], /^data\.a_multiIntegerEnum\[1\]: expected one of 1, 2, 3/],
  ['a_multiFloatEnum', [3], /^data\.a_multiFloatEnum\[0\]: expected one of 0\.5, 1\.5/],
  ['a_multiString', ['ok', { no: true }], /^data\.a_multiString\[1\]: expected a string/],
  ['a_date', 'yesterday', /expected a date/],
  ['a_datetime', '2024-13-45T10:00:00Z', /expected a date/],
  ['a_time', '25:00', /expected a time of day/],
  ['a_datetimeISO8601', 'soon', /expected an ISO-8601 datetime/],
  ['a_photo', 'selfie.png', /expected the UUID of a photo/],
  ['a_multiPhotos', ['selfie.png'], /^data\.a_multiPhotos\[0\]: expected the UUID of a photo/],
  ['a_geolocation', [91, 0], /expected \[lat, lng\]/],
  ['a_json', 'text', /expected object/],
  ['a_externalObject', 5, /expected object/],
  ['a_customObject', [1, 'x'], /^data\.a_customObject\[1\]: expected integer/],
  ['a_user', 'not a user!', /expected a user UUID or username/],
  ['a_process', 'abc', /expected the UUID of a process/],
  ['a_record', 42, /expected the UUID of a record/],
  ['a_task', 'abc', /expected the UUID of a task/],
  ['a_processCollection', ['abc'], /^data\.a_processCollection\[0\]: expected the UUID of a process/],
  ['a_recordCollection', [true], /^data\.a_recordCollection\[0\]: expected the UUID of a record/],
  ['a_taskCollection', ['abc'], /^data\.a_taskCollection\[0\]: expected the UUID of a task/],
];

describe('Create Process: a value an attribute type cannot take is refused, naming the attribute and the type (CONFIG.md)', () => {
  let server: TestServer;
  let admin: Client;

  before(async () => {
    server = await startTestServer();
    const acme = await seedTeam(server.runtime, 'acme');
    await server.runtime.services.teamConfig.apply({ teamSlug: 'acme', text: specimenConfig('acme'), env: {} });
    admin = client(server.url, acme.tokens.admin);
  });
  after(() => server.close());

  it('covers every attribute type but free JSON, which takes any value', () => {
    const covered = new Set(REFUSED.map(([shortId]) => shortId));
    const all = SPECIMEN_ATTRIBUTES.map((a) => /shortId: (\w+)/.exec(a)![1]).filter((s) => s !== 'a_freeJson');
    assert.deepEqual(all.filter((s) => !covered.has(s)), []);
  });

  for (const [shortId, value, expected] of REFUSED) {
    it(`${shortId}: ${JSON.stringify(value)} → 400`, async () => {
      const errors = assertError(await admin.post(SPECIMEN, { data: { [shortId]: value } }), 400, 'VALIDATION_FAILED');
      assert.equal(errors.length, 1, JSON.stringify(errors));
      assert.match(errors[0], new RegExp(`^data\\.${shortId}[.:[]`), 'the message names the attribute');
      assert.match(errors[0], expected);
    });
  }

  it('one body with several bad values gets one message each', async () => {
    const errors = assertError(await admin.post(SPECIMEN, { data: { a_integer: 'x', a_boolean: 'maybe', a_email: 'no' } }), 400, 'VALIDATION_FAILED');
    assertMessage(errors, /^data\.a_integer:/, /^data\.a_boolean:/, /^data\.a_email:/);
  });

  it('references must name objects of the team: an unknown user, process, record or task is refused (400)', async () => {
    const cases: [string, unknown][] = [
      ['a_user', 'nobody'], ['a_user', UNKNOWN_UUID], ['a_process', UNKNOWN_UUID], ['a_record', UNKNOWN_UUID],
      ['a_task', UNKNOWN_UUID], ['a_processCollection', [UNKNOWN_UUID]], ['a_multiPhotos', [UNKNOWN_UUID]],
    ];
    for (const [shortId, value] of cases) {
      const errors = assertError(await admin.post(SPECIMEN, { data: { [shortId]: value } }), 400, 'VALIDATION_FAILED');
      assertMessage(errors, /nobody|01900000-0000-7000-8000-000000000000/);
    }
  });

  it('a refused write stores nothing', async () => {
    assertError(await admin.post(SPECIMEN, { data: { a_string: 'kept?', a_integer: 'x' } }), 400, 'VALIDATION_FAILED');
    assert.deepEqual(dataOf(await admin.post(`${SPECIMEN}/list`, {})), []);
    const made = await createProcess(admin, SPECIMEN, { data: { a_string: 'stored' } });
    assert.deepEqual(dataOf(await admin.post(`${SPECIMEN}/list`, {})).map((p: any) => p.id), [made.id]);
  });
});
