import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { demoConfigFor, seedTeam, type SeededTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';

/** CONFIG.md: changes that would make stored data invalid need --force, and say how much. */
describe('config apply refuses to invalidate stored values unless forced', () => {
  let server: TestServer;
  let team: SeededTeam;
  const apply = (text: string, force = false) => server.runtime.services.teamConfig.apply({ teamSlug: 'guarded', text, env: {}, force });
  const exported = () => server.runtime.services.teamConfig.export('guarded');

  before(async () => {
    server = await startTestServer();
    team = await seedTeam(server.runtime, 'guarded');
    const api = client(server.url, team.tokens.admin);
    for (const [first_name, city, score] of [['Ann', 'Pune', 3], ['Bob', 'Goa', 4], ['Cy', 'Goa', 5]] as const) {
      assert.equal((await api.post('/v1/ext/procedure/lead/process', { data: { first_name, city, score } })).status, 200);
    }
  });
  after(() => server.close());

  it('refuses removing an enum option still in use, counting the processes, and changes nothing', async () => {
    const before = await exported();
    const text = demoConfigFor('guarded').replace('options: [Pune, Delhi, Mumbai, Goa, Tokyo]', 'options: [Pune, Delhi, Mumbai]');
    await assert.rejects(apply(text), (error: any) => {
      assert.equal(error.status, 409);
      assert.match(error.messages[0], /attribute lead\.city: removing options "Goa", "Tokyo" would leave 2 stored values invalid/);
      assert.match(error.messages.at(-1), /--force/);
      return true;
    });
    assert.equal(await exported(), before);
  });

  it('allows removing options nobody uses', async () => {
    const text = demoConfigFor('guarded').replace('options: [Pune, Delhi, Mumbai, Goa, Tokyo]', 'options: [Pune, Delhi, Goa]');
    const summary = await apply(text);
    assert.ok(summary.updated.some((line) => line.startsWith('attribute lead.city')));
  });

  it('refuses changing the type of an attribute with stored values; --force applies it', async () => {
    const text = demoConfigFor('guarded').replace('{ shortId: score, name: Score, type: integer }', '{ shortId: score, name: Score, type: string }');
    await assert.rejects(apply(text), /attribute lead\.score: changing its type from integer to string would leave 3 stored values invalid/);
    const forced = await apply(text, true);
    assert.ok(forced.updated.some((line) => line.startsWith('attribute lead.score (type')));
    assert.match(await exported(), /shortId: score\n\s+name: Score\n\s+type: string/);
  });
});
