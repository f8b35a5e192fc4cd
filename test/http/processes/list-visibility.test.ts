import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import {
  assertInvalidQuery, expectedCodes, listDeals, matching, sortedCodes, startListFixture, type Actor, type ListFixture,
} from '../../support/list-fixtures.ts';

/**
 * Who sees what in List Processes (API.md §1): a USER-role key sees processes assigned to or
 * created by its user or anyone reporting to that user (john ← meera; zoe reports to nobody),
 * MANAGER and ADMIN keys see everything; teams never see each other's; deleted ones are gone.
 */
describe('List Processes: visibility by role', () => {
  let f: ListFixture;
  const visibleTo = (...users: string[]) => (d: any) => users.includes(d.assignedTo) || users.includes(d.createdBy);
  before(async () => {
    f = await startListFixture();
  });
  after(() => f.server.close());

  it('shows a USER key only what it or its reportees were assigned or created', async () => {
    const { john, meera, zoe } = f.userIds;
    const cases: [Actor, (d: any) => boolean][] = [['john', visibleTo(john, meera)], ['meera', visibleTo(meera)], ['zoe', visibleTo(zoe)]];
    for (const [actor, visible] of cases) {
      const expected = expectedCodes(f, visible);
      assert.ok(expected.length > 0 && expected.length < f.deals.length, actor);
      assert.deepEqual(await matching(f, undefined, f.tokens[actor]), expected, actor);
    }
    assert.ok(expectedCodes(f, visibleTo(john, meera)).length > expectedCodes(f, visibleTo(john)).length, "meera's deals widen john's view");
  });

  it('applies the where within what the USER may see, and counts only that', async () => {
    const { john, meera, zoe } = f.userIds;
    const visible = visibleTo(john, meera);
    const aboutZoe = { or: [{ assignedTo: 'zoe' }, { createdBy: 'zoe' }] };
    const expected = expectedCodes(f, (d) => visible(d) && (d.assignedTo === zoe || d.createdBy === zoe));
    assert.ok(expected.length > 0 && expected.length < expectedCodes(f, (d) => d.assignedTo === zoe || d.createdBy === zoe).length);
    assert.deepEqual(await matching(f, aboutZoe, f.tokens.john), expected);
    assert.deepEqual(await matching(f, { qty: { '>=': 9 } }, f.tokens.john), expectedCodes(f, (d) => visible(d) && d.data.qty >= 9));
    const res = await listDeals(f, { where: { status: 'OPEN' }, limit: 3, includeTotal: true }, f.tokens.john);
    const openVisible = expectedCodes(f, (d) => visible(d) && d.status === 'OPEN');
    assert.equal(res.body._meta.total, openVisible.length);
    assert.equal(res.body._meta.hasMore, openVisible.length > 3);
    const hidden = f.deals.find((d) => !visible(d));
    assert.deepEqual(await matching(f, { id: hidden.id }, f.tokens.john), []);
  });

  it('shows MANAGER and ADMIN keys every live process', async () => {
    const all = sortedCodes(f.deals);
    assert.deepEqual(await matching(f, undefined, f.tokens.manager), all);
    assert.deepEqual(await matching(f, undefined, f.tokens.admin), all);
    const res = await listDeals(f, { includeTotal: true }, f.tokens.manager);
    assert.equal(res.body._meta.total, f.deals.length);
  });

  it('never lists deleted processes, and frees their primary key for a new one', async () => {
    const deletedIds = f.deleted.map((d) => d.id);
    assert.deepEqual(await matching(f, { id: deletedIds }), []);
    assert.deepEqual(await matching(f, { code: f.deleted.map((d) => d.data.code) }), []);
    assert.deepEqual(await matching(f, { qty: f.deleted[0].data.qty }), expectedCodes(f, (d) => d.data.qty === f.deleted[0].data.qty));
    const again = await client(f.server.url, f.tokens.admin).post('/v1/ext/procedure/deal/process', { data: { code: f.deleted[0].data.code, qty: 1 } });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    const res = await listDeals(f, { where: { code: f.deleted[0].data.code } });
    assert.deepEqual(res.body._data.map((d: any) => d.id), [again.body._data.id]);
  });
});

describe('List Processes: team isolation', () => {
  let f: ListFixture;
  let beta: SeededTeam;
  const leads = { alpha: [] as any[], beta: [] as any[] };
  const listLeads = (token: string, body: unknown = { limit: 100 }) => client(f.server.url, token).post('/v1/ext/procedure/lead/process/list', body);
  before(async () => {
    f = await startListFixture('alpha');
    beta = await seedTeam(f.server.runtime, 'beta');
    for (const [team, token] of [['alpha', f.tokens.admin], ['beta', beta.tokens.admin], ['alpha', f.tokens.john], ['beta', beta.tokens.user]] as const) {
      for (const name of ['Ted', 'Lily']) {
        const res = await client(f.server.url, token).post('/v1/ext/procedure/lead/process', { data: { first_name: `${name} ${team}`, score: 5 }, assignedTo: 'john' });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        leads[team].push(res.body._data);
      }
    }
    const gone = leads.beta.pop();
    assert.equal((await client(f.server.url, beta.tokens.admin).delete(`/v1/ext/procedure/lead/process/${gone.id}`)).status, 200);
  });
  after(() => f.server.close());

  const ids = (list: readonly any[]) => list.map((p) => p.id).sort();

  it("lists only the team's own processes of the procedure, for every role", async () => {
    for (const token of [beta.tokens.admin, beta.tokens.manager, beta.tokens.user]) {
      const res = await listLeads(token);
      assert.equal(res.status, 200);
      assert.deepEqual(ids(res.body._data), ids(leads.beta));
    }
    assert.deepEqual(ids((await listLeads(f.tokens.admin)).body._data), ids(leads.alpha));
    assert.deepEqual(ids((await listLeads(f.tokens.john)).body._data), ids(leads.alpha));
  });

  it('does not reach the other team through where', async () => {
    const alphaIds = leads.alpha.map((p) => p.id);
    assert.deepEqual((await listLeads(beta.tokens.admin, { where: { id: alphaIds } })).body._data, []);
    const sameKey = leads.alpha[0].data.lead_id;
    assert.equal(leads.beta[0].data.lead_id, sameKey, 'both teams generated the same primary key');
    assert.deepEqual(ids((await listLeads(beta.tokens.admin, { where: { lead_id: sameKey } })).body._data), [leads.beta[0].id]);
    assert.deepEqual(ids((await listLeads(beta.tokens.admin, { where: { score: 5 }, limit: 100 })).body._data), ids(leads.beta));
    assertInvalidQuery(await listLeads(beta.tokens.admin, { where: { createdBy: f.userIds.john } }));
    assertInvalidQuery(await listLeads(beta.tokens.admin, { where: { assignedTo: f.userIds.meera } }));
    const total = await listLeads(beta.tokens.admin, { includeTotal: true });
    assert.equal(total.body._meta.total, leads.beta.length);
  });

  it("answers 404 for a procedure only the other team has", async () => {
    const res = await client(f.server.url, beta.tokens.admin).post('/v1/ext/procedure/deal/process/list', {});
    assert.equal(res.status, 404);
    assert.equal(res.body._meta.code, 'NOT_FOUND');
    const byId = await client(f.server.url, beta.tokens.admin).post(`/v1/ext/procedure/${f.deals[0].procedure}/process/list`, {});
    assert.equal(byId.status, 404);
  });
});
