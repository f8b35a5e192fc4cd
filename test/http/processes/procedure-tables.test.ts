import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import YAML from 'yaml';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { demoConfigFor, seedTeam, type SeededTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { dataOf, LEAD } from '../../support/processes.ts';
import { procedureTable } from '../../../src/platform/processes/index.ts';

/** A team file with `count` small procedures (`p0`…), each with attributes of several kinds. */
function manyProceduresConfig(slug: string, count: number, extra: (i: number) => object[] = () => []): string {
  const procedures = Array.from({ length: count }, (_, i) => ({
    shortId: `p${i}`, name: `P${i}`, primaryKey: 'code', defaultStartState: 'NEW',
    states: [{ shortId: 'NEW', name: 'New' }],
    attributes: [
      { shortId: 'code', name: 'Code', type: 'stringId' },
      { shortId: 'score', name: 'Score', type: 'integer' },
      { shortId: 'city', name: 'City', type: 'string' },
      { shortId: 'active', name: 'Active', type: 'boolean' },
      ...extra(i),
    ],
  }));
  return YAML.stringify({ team: { slug, name: slug, timezone: 'UTC' }, roles: [{ shortId: 'admin', name: 'Admin', type: 'ADMIN' }], procedures });
}

/**
 * Processes live in a table per procedure (process-tables.repo.ts): what a write to one
 * procedure maintains, and what config apply builds, depend only on that procedure.
 */
describe('Storage: a table per procedure', () => {
  let server: TestServer;
  let team: SeededTeam;
  const indexesOf = async (procedureId: string) => {
    const db = server.runtime.db;
    const table = procedureTable(procedureId);
    return (await db.dialect.listIndexNames(db.kysely, table, '')).filter((name) => !/autoindex|pkey/.test(name)).sort();
  };
  const procedureId = async (teamSlug: string, shortId: string) =>
    (await server.runtime.db.kysely.selectFrom('procedures').innerJoin('teams', 'teams.id', 'procedures.team_id')
      .select('procedures.id').where('teams.slug', '=', teamSlug).where('procedures.short_id', '=', shortId).executeTakeFirstOrThrow()).id;

  before(async () => {
    server = await startTestServer();
    team = await seedTeam(server.runtime, 'acme');
  });
  after(() => server.close());

  it('a write to a procedure maintains only its own indexes, however many other procedures there are', async () => {
    const lead = await procedureId('acme', 'lead');
    const before = await indexesOf(lead);
    // Attribute indexes of lead only: each named after one of lead's attributes.
    const leadAttributes = await server.runtime.db.kysely.selectFrom('attributes').select('id').where('owner_id', '=', lead).execute();
    const derived = await server.runtime.db.kysely.selectFrom('derived_attributes').select('id').where('owner_id', '=', lead).execute();
    const own = new Set([...leadAttributes, ...derived].map((a) => a.id.replace(/-/g, '')));
    for (const name of before.filter((n) => /^p[ad]_/.test(n))) assert.ok(own.has(name.slice(3, 35)), `${name} belongs to lead`);

    for (let t = 0; t < 2; t++) await server.runtime.services.teamConfig.apply({ teamSlug: `other${t}`, text: manyProceduresConfig(`other${t}`, 10), env: {} });
    assert.deepEqual(await indexesOf(lead), before, "other teams' procedures add nothing to lead's table");
    const other = await procedureId('other0', 'p3');
    const otherIndexes = await indexesOf(other);
    assert.ok(otherIndexes.length > 0 && otherIndexes.every((name) => !before.includes(name)));

    const c = client(server.url, team.tokens.admin);
    const created = await c.post(LEAD, { data: { first_name: 'Asha', score: 4, city: 'Goa' } });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const found = await c.post(`${LEAD}/list`, { where: { city: 'Goa', score: { '>=': 3 } } });
    assert.deepEqual(dataOf(found).map((p: any) => p.id), [created.body._data.id]);
  });

  it("adding an attribute to one procedure builds an index on that procedure's table only, while another takes writes", async () => {
    const slug = 'busy';
    await server.runtime.services.teamConfig.apply({ teamSlug: slug, text: demoConfigFor(slug), env: {} });
    const key = await server.runtime.services.apiKeys.createKey({ teamSlug: slug, name: 'k', roleShortId: 'admin' });
    const busy = client(server.url, key.token);
    const lead = await procedureId(slug, 'lead');
    const leadIndexes = await indexesOf(lead);
    // Another procedure of the same team, then an attribute added to it while leads are written.
    const doc = YAML.parse(demoConfigFor(slug));
    const ticket = { shortId: 'ticket', name: 'Ticket', defaultStartState: 'OPEN', states: [{ shortId: 'OPEN', name: 'Open' }], attributes: [{ shortId: 'title', name: 'Title', type: 'string' }] };
    doc.procedures.push(ticket);
    await server.runtime.services.teamConfig.apply({ teamSlug: slug, text: YAML.stringify(doc), env: {} });
    ticket.attributes.push({ shortId: 'severity', name: 'Severity', type: 'integer' });

    let writing = true;
    const writes: Promise<number>[] = [];
    const writer = (async () => {
      let n = 0;
      while (writing) {
        const res = await busy.post(LEAD, { data: { first_name: `W${n}` } });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        n++;
      }
      return n;
    })();
    writes.push(writer);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const summary = await server.runtime.services.teamConfig.apply({ teamSlug: slug, text: YAML.stringify(doc), env: {} });
    await new Promise((resolve) => setTimeout(resolve, 50));
    writing = false;
    const written = (await Promise.all(writes))[0];
    assert.ok(written > 0, 'leads were written meanwhile');
    assert.ok(summary.created.some((line) => line.includes('severity')), summary.created.join(', '));

    assert.deepEqual(await indexesOf(lead), leadIndexes, "lead's table is untouched");
    const ticketIndexes = await indexesOf(await procedureId(slug, 'ticket'));
    assert.equal(ticketIndexes.filter((name) => name.startsWith('pa_')).length, 2, ticketIndexes.join(', '));
    const list = await busy.post('/v1/ext/procedure/ticket/process/list', { where: { severity: { '>': 2 } } });
    assert.equal(list.status, 200, JSON.stringify(list.body));
  });

  it('refuses to prune a procedure that still has processes, and drops the table of one that has none', async () => {
    const slug = 'pruning';
    await server.runtime.services.teamConfig.apply({ teamSlug: slug, text: manyProceduresConfig(slug, 2), env: {} });
    const key = await server.runtime.services.apiKeys.createKey({ teamSlug: slug, name: 'k', roleShortId: 'admin' });
    const p0 = await procedureId(slug, 'p0');
    const p1 = await procedureId(slug, 'p1');
    const res = await client(server.url, key.token).post('/v1/ext/procedure/p0/process', { data: { code: 'A-1' } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await assert.rejects(
      server.runtime.services.teamConfig.apply({ teamSlug: slug, text: manyProceduresConfig(slug, 0), env: {}, prune: true }),
      /cannot prune procedure p0: it still has 1 process/,
    );
    const db = server.runtime.db;
    assert.ok(await db.dialect.tableExists(db.kysely, procedureTable(p0)));
    const onlyP0 = YAML.stringify({ ...YAML.parse(manyProceduresConfig(slug, 1)) });
    await server.runtime.services.teamConfig.apply({ teamSlug: slug, text: onlyP0, env: {}, prune: true });
    assert.equal(await db.dialect.tableExists(db.kysely, procedureTable(p1)), false, "the pruned procedure's table is gone");
    assert.ok(await db.dialect.tableExists(db.kysely, procedureTable(p0)));
  });
});
