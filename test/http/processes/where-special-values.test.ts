import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { client } from '../../support/http.ts';
import {
  assertInvalidQuery, expectedCodes, listDeals, matching, SPECIAL_LABELS, startListFixture, type ListFixture,
} from '../../support/list-fixtures.ts';

/**
 * List Processes: values with quotes, backslashes, LIKE wildcards, SQL and unicode are data.
 * Each finds exactly the deal that holds it, nothing else matches, and the table is unharmed.
 */
const INJECTIONS = ["'; drop table processes; --", '" or 1=1 --', "Robert'); DROP TABLE processes;--", "' OR '1'='1", '1; select 1', "qty') or 1=1 --"];

describe('List Processes: special characters are data', () => {
  let f: ListFixture;
  const codeOf = (label: string) => f.deals.find((d) => d.data.label === label).data.code as string;
  before(async () => {
    f = await startListFixture();
  });
  after(() => f.server.close());

  it('finds each special label exactly, and only its deal', async () => {
    for (const label of SPECIAL_LABELS) {
      assert.deepEqual(await matching(f, { label }), [codeOf(label)], label);
      assert.deepEqual(await matching(f, { label: { '!=': label } }), expectedCodes(f, (d) => d.data.label !== label), `!= ${label}`);
    }
    assert.deepEqual(await matching(f, { label: SPECIAL_LABELS }), expectedCodes(f, (d) => d.data.code.startsWith('S-')));
  });

  it('never reads % and _ as wildcards', async () => {
    assert.deepEqual(await matching(f, { label: '%' }), [codeOf('%')]);
    assert.deepEqual(await matching(f, { label: '_' }), [codeOf('_')]);
    assert.deepEqual(await matching(f, { label: 'a_b' }), [codeOf('a_b')]);
    assert.deepEqual(await matching(f, { label: '100%' }), [codeOf('100%')]);
    assert.deepEqual(await matching(f, { label: 'a%' }), []);
    assert.deepEqual(await matching(f, { label: '%apple%' }), []);
    assert.deepEqual(await matching(f, { label: 'b_nana' }), []);
  });

  it('matches quotes, backslashes and unicode byte for byte', async () => {
    assert.deepEqual(await matching(f, { label: "O'Hare" }), [codeOf("O'Hare")]);
    assert.deepEqual(await matching(f, { label: "O''Hare" }), []);
    assert.deepEqual(await matching(f, { label: 'back\\slash' }), [codeOf('back\\slash')]);
    assert.deepEqual(await matching(f, { label: 'backslash' }), []);
    assert.deepEqual(await matching(f, { label: 'back\\\\slash' }), []);
    assert.deepEqual(await matching(f, { label: 'ünïcødé ✓ 日本 😀' }), [codeOf('ünïcødé ✓ 日本 😀')]);
    assert.deepEqual(await matching(f, { label: 'unicode ✓ 日本 😀' }), []);
    assert.deepEqual(await matching(f, { label: 'Zürich' }), expectedCodes(f, (d) => d.data.label === 'Zürich'));
    assert.deepEqual(await matching(f, { label_upper: 'ZÜRICH' }), expectedCodes(f, (d) => d.data.label === 'Zürich'));
    assert.deepEqual(await matching(f, { label: { '>': 'Zürich', '<': 'Zürichz' } }), []);
  });

  it('treats SQL in values as text that matches nothing', async () => {
    for (const text of INJECTIONS) {
      const expected = SPECIAL_LABELS.includes(text) ? [codeOf(text)] : [];
      assert.deepEqual(await matching(f, { label: text }), expected, text);
      assert.deepEqual(await matching(f, { or: [{ label: text }, { label: [text, `${text} `] }] }), expected, text);
      assert.deepEqual(await matching(f, { label_upper: text }), [], text);
      assert.deepEqual(await matching(f, { email: { '!=': null }, label: { '=': text } }), [], text);
    }
  });

  it('refuses SQL in keys, operators, sort fields and reference values with INVALID_QUERY', async () => {
    for (const text of INJECTIONS) {
      assertInvalidQuery(await listDeals(f, { where: { [text]: 1 } }));
      assertInvalidQuery(await listDeals(f, { where: { qty: { [text]: 1 } } }));
      assertInvalidQuery(await listDeals(f, { where: { state: text } }));
      assertInvalidQuery(await listDeals(f, { where: { assignedTo: text } }));
      assertInvalidQuery(await listDeals(f, { where: { id: text } }));
      assertInvalidQuery(await listDeals(f, { where: { tier: text } }));
      assertInvalidQuery(await listDeals(f, { where: { qty: text } }));
      assertInvalidQuery(await listDeals(f, { sort: [{ field: text, order: 'asc' }] }));
    }
  });

  it('refuses text holding a NUL character on every database, before it reaches the query', async () => {
    for (const where of [{ label: 'a\u0000b' }, { label: { '>': '\u0000' } }]) {
      const res = await listDeals(f, { where });
      assert.equal(res.status, 400);
      assert.equal(res.body._meta.code, 'BAD_REQUEST');
      assert.match(res.body._errors[0], /NUL character/);
    }
  });

  it('leaves the table intact and writable afterwards', async () => {
    const res = await listDeals(f, { limit: 100, includeTotal: true });
    assert.equal(res.status, 200);
    assert.equal(res.body._meta.total, f.deals.length);
    assert.deepEqual(res.body._data.map((d: any) => d.id).sort(), f.deals.map((d) => d.id).sort());
    const admin = client(f.server.url, f.tokens.admin);
    const created = await admin.post('/v1/ext/procedure/deal/process', { data: { code: 'AFTER', label: INJECTIONS[0] } });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.deepEqual(await matching(f, { label: INJECTIONS[0] }), [codeOf(INJECTIONS[0]), 'AFTER'].sort());
    const fetched = await admin.get(`/v1/ext/procedure/deal/process/${f.deals[0].id}`);
    assert.equal(fetched.status, 200);
    assert.deepEqual(fetched.body._data.data, f.deals[0].data);
  });
});
