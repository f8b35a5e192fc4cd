import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { listTeamConfig } from '../../support/list-fixtures.ts';
import { LEAD, assertError, assertMessage, createProcess, dataOf, fetchProcess, type Client } from '../../support/processes.ts';
import {
  AFTER_YEAR_9999, BEFORE_YEAR_1000, HUGE_EPOCH_MS, HUGE_EPOCH_MS_TEXT, OUT_OF_RANGE_INSTANT, withoutGot,
} from '../../support/bounds.ts';

const DEAL = '/v1/ext/procedure/deal/process';
const LAST_INSTANT = AFTER_YEAR_9999 - 1;
const FIRST_INSTANT = BEFORE_YEAR_1000 + 1;

/** Out-of-range instants as a client may write them: [as a number, as a string]. */
const OUT_OF_RANGE: readonly [number, string][] = [
  [HUGE_EPOCH_MS, HUGE_EPOCH_MS_TEXT],
  [1e20, '99999999999999999999'],
  [-1e20, '-100000000000000000000'],
  [AFTER_YEAR_9999, String(AFTER_YEAR_9999)],
  [BEFORE_YEAR_1000, String(BEFORE_YEAR_1000)],
];

describe('Epoch-ms fields and numeric attribute values out of range: 400 with one message, nothing stored', () => {
  let server: TestServer;
  let admin: Client;

  before(async () => {
    server = await startTestServer();
    const acme = await seedTeam(server.runtime, 'acme');
    // The demo team plus the `deal` procedure, which has an attribute of every comparable type.
    await server.runtime.services.teamConfig.apply({ teamSlug: 'acme', text: listTeamConfig('acme'), env: {} });
    admin = client(server.url, acme.tokens.admin);
  });
  after(() => server.close());

  const total = async (path: string): Promise<number> => (await admin.post(`${path}/list`, { includeTotal: true, limit: 1 })).body._meta.total;

  /** Sends a write that must be refused with 400 VALIDATION_FAILED and answers its messages. */
  async function refused(send: () => Promise<any>): Promise<string[]> {
    return assertError(await send(), 400, 'VALIDATION_FAILED');
  }

  it('Create Process refuses nextActionAt beyond the years 1000 to 9999, as a numeric string or a number alike, and stores nothing', async () => {
    const before = await total(LEAD);
    for (const [number, text] of OUT_OF_RANGE) {
      const byNumber = await refused(() => admin.post(LEAD, { data: { first_name: 'Late' }, nextActionAt: number }));
      const byText = await refused(() => admin.post(LEAD, { data: { first_name: 'Late' }, nextActionAt: text }));
      assertMessage(byNumber, new RegExp(`^nextActionAt: ${OUT_OF_RANGE_INSTANT.source}`));
      assert.deepEqual(byText.map(withoutGot), byNumber.map(withoutGot), `the same answer for ${number} and "${text}"`);
    }
    assertMessage(await refused(() => admin.send('POST', LEAD, { body: '{"data": {"first_name": "Late"}, "nextActionAt": 1e400}', contentType: 'application/json' })), /^nextActionAt: .*got Infinity/);
    assert.equal(await total(LEAD), before, 'no process was created');
  });

  it('Create Process accepts nextActionAt at the first and last instants of the accepted years', async () => {
    const cases: [unknown, number][] = [
      [LAST_INSTANT, LAST_INSTANT], [String(LAST_INSTANT), LAST_INSTANT], ['9999-12-31T23:59:59.999Z', LAST_INSTANT],
      [FIRST_INSTANT, FIRST_INSTANT], [String(FIRST_INSTANT), FIRST_INSTANT], ['1000-01-01T00:00:00Z', FIRST_INSTANT],
    ];
    for (const [given, expected] of cases) {
      const p = await createProcess(admin, LEAD, { data: { first_name: 'Edge' }, nextActionAt: given });
      assert.equal(p.nextActionAt, expected, `nextActionAt ${JSON.stringify(given)}`);
    }
  });

  it('Update Process refuses an out-of-range nextActionAt, by UUID and by primary key, and leaves the process as it was', async () => {
    const p = await createProcess(admin, LEAD, { lead_id: 'KEEP-1', data: { first_name: 'Keep' }, nextActionAt: 1_700_000_000_000 });
    for (const [number, text] of OUT_OF_RANGE) {
      for (const nextActionAt of [number, text]) {
        assertMessage(await refused(() => admin.put(`${LEAD}/${p.id}`, { nextActionAt })), /^nextActionAt: expected epoch milliseconds from/);
        assertMessage(await refused(() => admin.put(`${LEAD}/lead_id/KEEP-1`, { data: { score: 1 }, nextActionAt })), /^nextActionAt: expected epoch milliseconds from/);
      }
    }
    assert.deepEqual(await fetchProcess(admin, LEAD, p.id), p, 'nothing changed');
    assert.deepEqual(dataOf(await admin.get(`${LEAD}/${p.id}/history`)).map((h: any) => h.action), ['create']);
  });

  it('date and datetime attributes refuse out-of-range numeric strings and numbers alike, and store nothing', async () => {
    const before = await total(DEAL);
    for (const attribute of ['due_at', 'born']) {
      for (const [number, text] of OUT_OF_RANGE) {
        const byNumber = await refused(() => admin.post(DEAL, { data: { code: 'D-NUM', [attribute]: number } }));
        const byText = await refused(() => admin.post(DEAL, { data: { code: 'D-TXT', [attribute]: text } }));
        assertMessage(byNumber, new RegExp(`^data\\.${attribute}: expected a date \\(epoch ms or ISO-8601, years 1000 to 9999\\)`));
        assert.deepEqual(byText.map(withoutGot), byNumber.map(withoutGot));
      }
    }
    assert.equal(await total(DEAL), before, 'no deal was created');
    const edge = await createProcess(admin, DEAL, { data: { code: 'D-EDGE', due_at: String(LAST_INSTANT), born: FIRST_INSTANT } });
    assert.deepEqual([edge.data.due_at, edge.data.born], [LAST_INSTANT, FIRST_INSTANT]);
  });

  it('integer and float attributes refuse numeric strings beyond their range; floats must be finite', async () => {
    const leads = await total(LEAD);
    for (const score of ['99999999999999999999', '9007199254740992', '1e400', 1e300, 2 ** 63]) {
      assertMessage(await refused(() => admin.post(LEAD, { data: { first_name: 'Big', score } })), /^data\.score: expected an integer, got /);
    }
    assert.equal(await total(LEAD), leads, 'no lead was created');
    const deals = await total(DEAL);
    for (const price of ['1e400', '-1e999']) {
      assertMessage(await refused(() => admin.post(DEAL, { data: { code: 'D-BIG', price } })), /^data\.price: expected a number, got /);
    }
    const infinite = await refused(() => admin.send('POST', DEAL, { body: '{"data": {"code": "D-INF", "price": 1e400}}', contentType: 'application/json' }));
    assertMessage(infinite, /^data\.price: expected a number/);
    assert.equal(await total(DEAL), deals, 'no deal was created');

    const p = await createProcess(admin, LEAD, { data: { first_name: 'Kept', score: 5 } });
    assertMessage(await refused(() => admin.put(`${LEAD}/${p.id}`, { data: { score: '99999999999999999999' } })), /^data\.score/);
    assert.equal((await fetchProcess(admin, LEAD, p.id)).data.score, 5);
  });

  it('where-filters refuse out-of-range instants on createdAt, updatedAt, nextActionAt and datetime attributes, and numbers beyond range (400 INVALID_QUERY)', async () => {
    const query = (where: unknown) => admin.post(`${DEAL}/list`, { where });
    for (const field of ['createdAt', 'updatedAt', 'nextActionAt']) {
      for (const [number, text] of OUT_OF_RANGE) {
        const byNumber = assertError(await query({ [field]: { '>': number } }), 400, 'INVALID_QUERY');
        const byText = assertError(await query({ [field]: { '>': text } }), 400, 'INVALID_QUERY');
        assertMessage(byNumber, new RegExp(`^where\\.${field}\\[">"\\]: ${OUT_OF_RANGE_INSTANT.source}`));
        assert.deepEqual(byText.map(withoutGot), byNumber.map(withoutGot));
      }
      assertMessage(assertError(await query({ [field]: HUGE_EPOCH_MS_TEXT }), 400, 'INVALID_QUERY'), new RegExp(`^where\\.${field}: `));
      assert.equal((await query({ [field]: { '<=': LAST_INSTANT, '>=': String(FIRST_INSTANT) } })).status, 200, 'the accepted range itself is a valid filter');
    }
    assertMessage(assertError(await query({ due_at: { '>': HUGE_EPOCH_MS_TEXT } }), 400, 'INVALID_QUERY'), /^where\.due_at\[">"\]: expected a date/);
    assertMessage(assertError(await query({ qty: { '>': '99999999999999999999' } }), 400, 'INVALID_QUERY'), /^where\.qty\[">"\]: expected an integer/);
    assertMessage(assertError(await query({ price: { '>': '1e999' } }), 400, 'INVALID_QUERY'), /^where\.price\[">"\]: expected a number/);
    assertMessage(assertError(await admin.post(`${LEAD}/list`, { where: { score: { '>': '1e999' } } }), 400, 'INVALID_QUERY'), /^where\.score\[">"\]: expected an integer/);
  });
});
