import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { LEAD, assertError, createProcess, dataOf, demoConfigWithUsers, fetchProcess, type Client } from '../../support/processes.ts';

/** kim reports to john and lee to kim (john's chain); sara reports to ravi, beside john. */
const MORE_USERS = [
  '{ username: kim, firstName: Kim, email: kim@demo.example, role: inside_sales, manager: john }',
  '{ username: lee, firstName: Lee, email: lee@demo.example, role: inside_sales, manager: kim }',
  '{ username: sara, firstName: Sara, email: sara@demo.example, role: inside_sales, manager: ravi }',
];

type Name = 'toJohn' | 'toKim' | 'toLee' | 'toSara' | 'unassigned' | 'byKim' | 'byJohn' | 'bySaraToJohn';

describe('Visibility: a USER-role key sees only processes assigned to or created by its user or their reportees (API.md §1)', () => {
  let server: TestServer;
  let acme: SeededTeam;
  let admin: Client;
  const as: Record<'john' | 'kim' | 'sara' | 'manager', Client> = {} as never;
  const p = {} as Record<Name, any>;
  let saraId: string;

  before(async () => {
    server = await startTestServer();
    acme = await seedTeam(server.runtime, 'acme');
    const { teamConfig, apiKeys } = server.runtime.services;
    await teamConfig.apply({ teamSlug: 'acme', text: demoConfigWithUsers('acme', MORE_USERS), env: {} });
    const keyOf = async (username: string) => (await apiKeys.createKey({ teamSlug: 'acme', name: username, roleShortId: 'inside_sales', username })).token;
    admin = client(server.url, acme.tokens.admin);
    as.john = client(server.url, acme.tokens.user);
    as.kim = client(server.url, await keyOf('kim'));
    as.sara = client(server.url, await keyOf('sara'));
    as.manager = client(server.url, acme.tokens.manager);
    saraId = dataOf(await admin.get('/v1/ext/users')).find((u: any) => u.username === 'sara').id;
    const lead = (c: Client, name: string, assignedTo?: string) => createProcess(c, LEAD, { data: { first_name: name }, ...(assignedTo ? { assignedTo } : {}) });
    p.toJohn = await lead(admin, 'toJohn', 'john');
    p.toKim = await lead(admin, 'toKim', 'kim');
    p.toLee = await lead(admin, 'toLee', 'lee');
    p.toSara = await lead(admin, 'toSara', 'sara');
    p.unassigned = await lead(admin, 'unassigned');
    p.byKim = await lead(as.kim, 'byKim');
    p.byJohn = await lead(as.john, 'byJohn', 'sara');
    p.bySaraToJohn = await lead(as.sara, 'bySaraToJohn', 'john');
  });
  after(() => server.close());

  const SEES: Record<'john' | 'kim' | 'sara', Name[]> = {
    john: ['toJohn', 'toKim', 'toLee', 'byKim', 'byJohn', 'bySaraToJohn'],
    kim: ['toKim', 'toLee', 'byKim'],
    sara: ['toSara', 'byJohn', 'bySaraToJohn'],
  };
  const ALL = (): Name[] => Object.keys(p) as Name[];

  for (const user of ['john', 'kim', 'sara'] as const) {
    it(`${user} fetches, reads the history and the tasks of exactly ${SEES[user].join(', ')}`, async () => {
      for (const name of ALL()) {
        const visible = SEES[user].includes(name);
        const reads = [`${LEAD}/${p[name].id}`, `${LEAD}/${p[name].id}/history`, `/v1/ext/p/lead/${p[name].id}/tasks`, `/v1/ext/p/lead/${p[name].data.lead_id}/tasks`];
        for (const path of reads) {
          const res = await as[user].get(path);
          if (visible) dataOf(res);
          else assertError(res, 404, 'NOT_FOUND');
        }
      }
    });
  }

  it('a process john may not see cannot be updated, deleted or given a task by him (404) and stays as it was', async () => {
    for (const name of ALL().filter((n) => !SEES.john.includes(n))) {
      const before = await fetchProcess(admin, LEAD, p[name].id);
      assertError(await as.john.put(`${LEAD}/${p[name].id}`, { data: { score: 1 } }), 404, 'NOT_FOUND');
      assertError(await as.john.put(`${LEAD}/lead_id/${p[name].data.lead_id}`, { data: { score: 1 } }), 404, 'NOT_FOUND');
      assertError(await as.john.delete(`${LEAD}/${p[name].id}`), 404, 'NOT_FOUND');
      assertError(await as.john.delete(`${LEAD}/lead_id/${p[name].data.lead_id}`), 404, 'NOT_FOUND');
      assertError(await as.john.post(`/v1/ext/p/lead/${p[name].id}/task/call`, { data: { remarks: 'x' } }), 404, 'NOT_FOUND');
      assert.deepEqual(await fetchProcess(admin, LEAD, p[name].id), before);
      assert.deepEqual(dataOf(await admin.get(`/v1/ext/p/lead/${p[name].id}/tasks`)), [], 'no task was created');
    }
  });

  it('john updates a process of his reportee; the history names him', async () => {
    const updated = dataOf(await as.john.put(`${LEAD}/${p.toLee.id}`, { data: { score: 7 } }));
    assert.equal(updated.data.score, 7);
    const history = dataOf(await as.john.get(`${LEAD}/${p.toLee.id}/history`));
    assert.equal(history.at(-1).user, acme.userIds.john);
  });

  it('the MANAGER and ADMIN keys see every process of the team', async () => {
    for (const c of [as.manager, admin]) {
      for (const name of ALL()) {
        dataOf(await c.get(`${LEAD}/${p[name].id}`));
        dataOf(await c.get(`${LEAD}/${p[name].id}/history`));
      }
    }
    dataOf(await as.manager.put(`${LEAD}/${p.unassigned.id}`, { data: { score: 2 } }));
  });

  it('visibility follows reassignment: assigned to john he sees it, assigned away he does not', async () => {
    const q = await createProcess(admin, LEAD, { data: { first_name: 'Moving' } });
    assertError(await as.john.get(`${LEAD}/${q.id}`), 404, 'NOT_FOUND');
    dataOf(await admin.put(`${LEAD}/${q.id}`, { assignedTo: 'john' }));
    dataOf(await as.john.get(`${LEAD}/${q.id}`));
    // john hands it to sara: from then on it is hers, not his.
    dataOf(await as.john.put(`${LEAD}/${q.id}`, { assignedTo: 'sara' }));
    assertError(await as.john.get(`${LEAD}/${q.id}`), 404, 'NOT_FOUND');
    dataOf(await as.sara.get(`${LEAD}/${q.id}`));
  });

  it('a process john created stays visible to him, whoever it is assigned to', async () => {
    const mine = await createProcess(as.john, LEAD, { data: { first_name: 'Mine' } });
    assert.equal(mine.createdBy, acme.userIds.john);
    assert.equal(mine.assignedTo, null);
    dataOf(await admin.put(`${LEAD}/${mine.id}`, { assignedTo: 'sara' }));
    assert.equal((await fetchProcess(as.john, LEAD, mine.id)).assignedTo, saraId);
    assert.equal(dataOf(await as.john.delete(`${LEAD}/${mine.id}`)).isDeleted, true);
  });

  it('a USER key deletes a process it may see', async () => {
    const q = await createProcess(admin, LEAD, { data: { first_name: 'Kim deletes' }, assignedTo: 'lee' });
    assert.equal(dataOf(await as.kim.delete(`${LEAD}/lead_id/${q.data.lead_id}`)).isDeleted, true);
    assertError(await admin.get(`${LEAD}/${q.id}`), 404, 'NOT_FOUND');
  });
});
