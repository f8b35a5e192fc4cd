import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { call, client } from '../../support/http.ts';
import { LEAD, assertError, assertMessage, createProcess, dataOf, fetchProcess, specimenConfig, type Client } from '../../support/processes.ts';
import { drain } from '../bulk/bulk-support.ts';
import { checkJsonText, MAX_JSON_BODY_DEPTH } from '../../../src/http/request-checks.ts';
import { MAX_JSON_VALUE_DEPTH } from '../../../src/platform/attributes/attribute-values.json.ts';

const SPECIMEN = '/v1/ext/procedure/specimen/process';

/** A JSON value nesting `depth` levels of objects and arrays, alternately, around a string. */
function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let level = depth; level > 0; level--) value = level % 2 === 0 ? [value] : { level: value };
  return value;
}

describe('checkJsonText: one linear pass before JSON.parse', () => {
  it('counts nesting outside strings only, escaped quotes included', () => {
    assert.equal(checkJsonText('['.repeat(64) + ']'.repeat(64)), null);
    assert.match(checkJsonText('['.repeat(65) + ']'.repeat(65)) ?? '', /nested deeper than 64 levels/);
    assert.match(checkJsonText('{"a":'.repeat(65) + '1' + '}'.repeat(65)) ?? '', /nested deeper than 64 levels/);
    assert.equal(checkJsonText(JSON.stringify({ text: '['.repeat(1000) + '{'.repeat(1000) })), null);
    assert.equal(checkJsonText(JSON.stringify({ text: '\\"[[[[\\' + '['.repeat(100) })), null);
    assert.equal(checkJsonText('[' + JSON.stringify('"' + '['.repeat(100)) + ']'), null);
    assert.equal(checkJsonText('['.repeat(100_000) + ']'.repeat(100_000), MAX_JSON_BODY_DEPTH)?.includes('64'), true);
  });

  it('refuses NUL and unpaired surrogates spelled as escapes, keys included, and accepts pairs', () => {
    assert.match(checkJsonText('{"a":"x\\u0000"}') ?? '', /NUL/);
    assert.match(checkJsonText('{"a\\u0000":1}') ?? '', /NUL/);
    for (const text of ['"\\ud800"', '"x\\uD800y"', '"\\udc00"', '"\\ud800\\u0041"', '"\\ud800\\ud800"', '{"\\udbff":1}', '"\\ud800\\n"']) {
      assert.match(checkJsonText(text) ?? '', /unpaired UTF-16 surrogate/, text);
    }
    for (const text of ['"\\ud83d\\ude00"', '"\\uD83D\\uDE00"', '"\\\\ud800"', '"\\\\u0000"', '"😀"', '"\\u00e9\\n\\t\\"\\\\"']) {
      assert.equal(checkJsonText(text), null, text);
    }
    // Raw (unescaped) lone surrogates, should text arrive decoded some other way.
    assert.match(checkJsonText('"x\ud800"') ?? '', /unpaired UTF-16 surrogate/);
  });
});

describe('HTTP kit: text no database can store is 400 on every route, on both databases', () => {
  let server: TestServer;
  let team: SeededTeam;
  let admin: Client;
  let specimen: Client;
  let ted: any;
  before(async () => {
    server = await startTestServer();
    team = await seedTeam(server.runtime, 'acme');
    admin = client(server.url, team.tokens.admin);
    ted = await createProcess(admin, LEAD, { data: { first_name: 'Ted' } });
    await server.runtime.services.teamConfig.apply({ teamSlug: 'labs', text: specimenConfig('labs'), env: {} });
    const key = await server.runtime.services.apiKeys.createKey({ teamSlug: 'labs', name: 'labs admin', roleShortId: 'admin' });
    specimen = client(server.url, key.token);
  });
  after(() => server.close());

  it('a NUL in a path value is 400 BAD_REQUEST, never a database error', async () => {
    for (const [method, path] of [
      ['PUT', `${LEAD}/lead_id/%00`],
      ['DELETE', `${LEAD}/lead_id/LEAD-%00`],
      ['PUT', `${LEAD}/lead%00id/LEAD-000001`],
      ['GET', `${LEAD}/%00`],
      ['GET', `/v1/ext/procedure/%00/process/${ted.id}`],
      ['GET', '/v1/ext/user/%00'],
      ['PUT', '/v1/ext/user/x%00y'],
      ['GET', '/v1/ext/photo/%00'],
    ] as const) {
      const res = await admin.send(method, path, method === 'PUT' ? { json: { data: { first_name: 'X' } } } : {});
      const errors = assertError(res, 400, 'BAD_REQUEST');
      assert.match(errors[0], /^Path parameter "\w+" may not contain the NUL character \(U\+0000\)$/, `${method} ${path}`);
    }
    assert.equal(dataOf(await admin.get(`${LEAD}/${ted.id}`)).data.first_name, 'Ted');
  });

  it('a percent-encoded surrogate in a path is 400 BAD_REQUEST', async () => {
    for (const encoded of ['%ed%a0%80', '%ed%b0%80', 'LEAD-%ed%bf%bf']) {
      assertError(await admin.put(`${LEAD}/lead_id/${encoded}`, { data: { first_name: 'X' } }), 400, 'BAD_REQUEST');
      assertError(await admin.get(`${LEAD}/${encoded}`), 400, 'BAD_REQUEST');
    }
  });

  it('an unknown route stays 404 whatever its path holds', async () => {
    assertError(await admin.get(`${LEAD}/lead_id/%00`), 404, 'NOT_FOUND');
  });

  it('a NUL in a query value or name is 400 BAD_REQUEST', async () => {
    assertMessage(assertError(await admin.get('/v1/ext/users?includeServiceAccounts=%00'), 400, 'BAD_REQUEST'), /Query parameter "includeServiceAccounts" may not contain the NUL/);
    assertMessage(assertError(await admin.get('/v1/ext/users?a=1&a=b%00'), 400, 'BAD_REQUEST'), /Query parameter "a"/);
    assertMessage(assertError(await admin.get('/v1/ext/users?x%00=1'), 400, 'BAD_REQUEST'), /query parameter name may not contain the NUL/);
    // Undecodable escapes in a query stay as written: plain text, refused or taken by the route, never a 5xx.
    const undecodable = await admin.get('/v1/ext/users?includeServiceAccounts=%ed%a0%80');
    assert.ok(undecodable.status < 500, JSON.stringify(undecodable.body));
  });

  it('NUL and unpaired surrogates in JSON bodies are 400 BAD_REQUEST; surrogate pairs are stored', async () => {
    const raw = (method: string, path: string, text: string) => call(server.url, method, path, { token: team.tokens.admin, body: text, contentType: 'application/json' });
    for (const value of ['x\\ud800', '\\udfff', 'a\\ud800\\u0041', 'x\\u0000']) {
      const errors = assertError(await raw('POST', LEAD, `{"data":{"first_name":"${value}"}}`), 400, 'BAD_REQUEST');
      assertMessage(errors, /^Strings in the body may not contain (the NUL character|an unpaired UTF-16 surrogate)/);
      assertError(await raw('PUT', `${LEAD}/${ted.id}`, `{"data":{"first_name":"${value}"}}`), 400, 'BAD_REQUEST');
      assertError(await raw('PUT', `/v1/ext/user/${team.userIds.john}`, `{"firstName":"${value}"}`), 400, 'BAD_REQUEST');
      assertError(await raw('POST', `${LEAD}/bulk-create`, `[{"data":{"first_name":"${value}"}}]`), 400, 'BAD_REQUEST');
      assertError(await raw('POST', `${LEAD}/list`, `{"where":{"first_name":"${value}"}}`), 400, 'BAD_REQUEST');
    }
    assertError(await raw('POST', LEAD, '{"data":{"\\ud800":"x"}}'), 400, 'BAD_REQUEST');
    const created = dataOf(await raw('POST', LEAD, '{"data":{"first_name":"Smile \\ud83d\\ude00 \\\\ud800"}}'));
    assert.equal((await fetchProcess(admin, LEAD, created.id)).data.first_name, 'Smile 😀 \\ud800');
  });

  it(`a JSON body nested deeper than ${MAX_JSON_BODY_DEPTH} levels is 400 BAD_REQUEST, however deep`, async () => {
    const raw = (method: string, path: string, text: string) => call(server.url, method, path, { token: team.tokens.admin, body: text, contentType: 'application/json' });
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    for (const [method, path] of [['POST', LEAD], ['PUT', `${LEAD}/${ted.id}`], ['POST', `${LEAD}/bulk-create`], ['PATCH', LEAD], ['POST', `${LEAD}/list`], ['PUT', `/v1/ext/user/${team.userIds.john}`]] as const) {
      const errors = assertError(await raw(method, path, deep), 400, 'BAD_REQUEST');
      assert.deepEqual(errors, [`The JSON body is nested deeper than ${MAX_JSON_BODY_DEPTH} levels`]);
      const objects = `{"data":${'{"a":'.repeat(70)}1${'}'.repeat(70)}}`;
      assertError(await raw(method, path, objects), 400, 'BAD_REQUEST');
    }
    // At the limit the body is parsed and judged for what it says.
    const atLimit = await raw('POST', LEAD, JSON.stringify({ data: { first_name: nested(MAX_JSON_BODY_DEPTH - 2) } }));
    assert.notEqual(atLimit.body._meta.code, 'BAD_REQUEST');
    assert.equal(atLimit.status, 400);
  });

  it(`a json attribute value nested deeper than ${MAX_JSON_VALUE_DEPTH} levels is 400 naming the field`, async () => {
    const ok = dataOf(await specimen.post(SPECIMEN, { data: { a_freeJson: nested(MAX_JSON_VALUE_DEPTH) } }));
    assert.deepEqual((await fetchProcess(specimen, SPECIMEN, ok.id)).data.a_freeJson, nested(MAX_JSON_VALUE_DEPTH));
    for (const field of ['a_freeJson', 'a_externalObject']) {
      const res = await specimen.post(SPECIMEN, { data: { [field]: { deep: nested(MAX_JSON_VALUE_DEPTH) } } });
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assertMessage(res.body._errors, new RegExp(`^data\\.${field}: nested deeper than ${MAX_JSON_VALUE_DEPTH} levels$`));
    }
    const update = await specimen.put(`${SPECIMEN}/${ok.id}`, { data: { a_freeJson: [nested(MAX_JSON_VALUE_DEPTH)] } });
    assert.equal(update.status, 400);
    assertMessage(update.body._errors, /data\.a_freeJson: nested deeper than/);
  });

  it('a bulk body wrapping json values of the maximum depth is within the body depth limit', async () => {
    const items = [{ data: { a_freeJson: nested(MAX_JSON_VALUE_DEPTH) } }, { data: { a_freeJson: nested(MAX_JSON_VALUE_DEPTH + 1) } }];
    const accepted = await specimen.post(`${SPECIMEN}/bulk-create`, { processes: items });
    const job = dataOf(accepted);
    await drain(server.runtime);
    const entries = dataOf(await specimen.get(`/v1/ext/background-job/${job.id}/entries`));
    const byIndex = [...entries].sort((a: any, b: any) => a.index - b.index);
    assert.equal(byIndex[0].completionStatus, 'SUCCESS', JSON.stringify(byIndex[0]));
    assert.notEqual(byIndex[1].completionStatus, 'SUCCESS');
    assert.match(JSON.stringify(byIndex[1]), /a_freeJson: nested deeper than 32 levels/);
  });
});
