import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { LEAD, assertError, assertMessage, createProcess, dataOf, demoConfigWithDerived, fetchProcess, type Client } from '../../support/processes.ts';

/** Derived attributes that cannot give a value, beside two that can (CONFIG.md: 50 ms, declared type or null). */
const DERIVED = [
  '{ shortId: doubled, name: Doubled, type: integer, expression: "data.score * 2" }',
  '{ shortId: boom, name: Boom, type: string, expression: "$error(\'boom\')" }',
  '{ shortId: wrong_type, name: Wrong type, type: integer, expression: "\'not a number\'" }',
  '{ shortId: endless, name: Endless, type: integer, expression: "($f := function($n) { $f($n + 1) }; $f(0))" }',
  '{ shortId: slow, name: Slow, type: integer, expression: "$count([1..400].([1..400].($ * 2)))" }',
  '{ shortId: state_name, name: State, type: string, expression: "process.state" }',
];
const FAILING = ['boom', 'wrong_type', 'endless', 'slow'];

describe('Derived attributes: recomputed after every write; a failing expression stores null (API.md §3, CONFIG.md)', () => {
  let server: TestServer;
  let admin: Client;

  before(async () => {
    server = await startTestServer();
    const acme = await seedTeam(server.runtime, 'acme');
    await server.runtime.services.teamConfig.apply({ teamSlug: 'acme', text: demoConfigWithDerived('acme', DERIVED), env: {} });
    admin = client(server.url, acme.tokens.admin);
  });
  after(() => server.close());

  it('full_name is computed on create and recomputed on every update', async () => {
    const p = await createProcess(admin, LEAD, { data: { first_name: 'Ted', last_name: 'Mosby', score: 4 } });
    assert.equal(p.derivedData.full_name, 'Ted Mosby');
    assert.equal(p.derivedData.doubled, 8);
    let updated = dataOf(await admin.put(`${LEAD}/${p.id}`, { data: { first_name: 'Theodore' } }));
    assert.equal(updated.derivedData.full_name, 'Theodore Mosby');
    updated = dataOf(await admin.put(`${LEAD}/${p.id}`, { data: { last_name: null, score: '21' } }));
    assert.equal(updated.derivedData.full_name, 'Theodore');
    assert.equal(updated.derivedData.doubled, 42);
    updated = dataOf(await admin.put(`${LEAD}/lead_id/${p.data.lead_id}`, { data: { last_name: 'M.' } }));
    assert.equal(updated.derivedData.full_name, 'Theodore M.', 'by primary key too');
    assert.deepEqual((await fetchProcess(admin, LEAD, p.id)).derivedData, updated.derivedData, 'the recomputed values are stored');
  });

  it('derived values see the root fields: a state change alone recomputes them', async () => {
    const p = await createProcess(admin, LEAD, { data: { first_name: 'Ted' } });
    assert.equal(p.derivedData.state_name, 'NEW');
    const moved = dataOf(await admin.put(`${LEAD}/${p.id}`, { state: 'IN_PROGRESS' }));
    assert.equal(moved.derivedData.state_name, 'IN_PROGRESS');
  });

  it('an error, a timeout, endless recursion or a value of the wrong type stores null; the write succeeds', async () => {
    const p = await createProcess(admin, LEAD, { data: { first_name: 'Lily', score: 1 } });
    for (const shortId of FAILING) assert.equal(p.derivedData[shortId], null, `${shortId} is null`);
    assert.equal(p.derivedData.full_name, 'Lily', 'the other derived attributes are computed');
    assert.equal(p.derivedData.doubled, 2);
    const updated = dataOf(await admin.put(`${LEAD}/${p.id}`, { data: { score: 5 } }));
    for (const shortId of FAILING) assert.equal(updated.derivedData[shortId], null, `${shortId} is null after an update`);
    assert.equal(updated.derivedData.doubled, 10);
    assert.deepEqual(Object.keys(updated.derivedData).sort(), ['boom', 'doubled', 'endless', 'full_name', 'slow', 'state_name', 'wrong_type']);
  });

  it('each failure is logged with the attribute that failed', async () => {
    await createProcess(admin, LEAD, { data: { first_name: 'Logged' } });
    const warned = server.logLines().map((line) => JSON.parse(line)).filter((line) => line.level === 40 || line.level === 'warn');
    for (const shortId of FAILING) assert.ok(warned.some((line) => line.attribute === shortId), `a warning names ${shortId}`);
  });

  it('a derived attribute cannot be written, on create or update', async () => {
    const p = await createProcess(admin, LEAD, { data: { first_name: 'Ted' } });
    assertMessage(assertError(await admin.put(`${LEAD}/${p.id}`, { data: { doubled: 3 } }), 400, 'VALIDATION_FAILED'), /doubled/);
    assertMessage(assertError(await admin.post(LEAD, { data: { first_name: 'Ted', full_name: 'Someone' } }), 400, 'VALIDATION_FAILED'), /full_name/);
    assert.equal((await fetchProcess(admin, LEAD, p.id)).derivedData.doubled, null);
  });
});
