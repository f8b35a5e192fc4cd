import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { client } from '../../support/http.ts';
import { deferred, newLeads } from '../../support/jobs.ts';
import { startTestServer, type TestServer } from '../../support/test-server.ts';

/** One partition (at most 2000 items) of four batches of 500. */
const COUNT = 2000;

/**
 * With embedded SQLite every query answers synchronously, so a worker that never gives the event
 * loop a turn would leave HTTP requests, timers and SIGTERM waiting until a whole partition is
 * done. Workers run in the server process by default (OPERATIONS.md), so this is what a user of
 * the API would feel while a bulk job runs.
 */
describe('a bulk job running in the server process leaves room for everything else', () => {
  let server: TestServer;
  let team: SeededTeam;

  before(async () => {
    server = await startTestServer();
    team = await seedTeam(server.runtime, 'yields');
  });
  after(async () => {
    await server?.runtime.engine.stop();
    await server?.close();
  });

  it('a timer due while a partition is being applied fires before the partition is done', async () => {
    const api = client(server.url, team.tokens.admin);
    const accepted = await api.post('/v1/ext/procedure/lead/process/bulk-create', newLeads(COUNT, 'Turn'));
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    const jobId = accepted.body._data.id as string;
    const job = () => server.runtime.db.kysely.selectFrom('background_jobs').select(['count_success', 'completion_status']).where('id', '=', jobId).executeTakeFirstOrThrow();

    const fired = deferred<{ count_success: number; completion_status: string }>();
    server.runtime.engine.start();
    setTimeout(() => void job().then(fired.resolve), 1);
    const seen = await fired.promise;
    assert.ok(seen.count_success < COUNT && seen.completion_status !== 'SUCCESS', `the timer fired only when the partition was done: ${JSON.stringify(seen)}`);

    const deadline = Date.now() + 60_000;
    while ((await job()).completion_status !== 'SUCCESS' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(Number((await job()).count_success), COUNT);
  });
});
