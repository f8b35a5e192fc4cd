import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createCliEnv, killAllCli, startServe, type CliEnv, type RunningServer } from '../support/cli.ts';
import { assertAppliedOnce, assertOwnLeads, bulkApi, newLeads, prepareDemoTeam, runningClaims, type BulkApi } from '../support/jobs.ts';

const WORKER_ENV = { JOB_LEASE_MS: '1500', WORKER_CONCURRENCY: '2', RATE_LIMIT_PER_KEY: '0' };
/** 8 partitions of about 2000, each 4 batches of 500. */
const COUNT = 16_000;
/** How long after the first progress since the (re)start each kill comes: staggered, so the kills land at different points of a batch. */
const KILL_DELAYS_MS = [0, 170, 420];

/**
 * API.md §5 "no entry is ever applied twice": workers killed between claiming a partition and
 * committing a batch, three times over, still leave every entry applied exactly once.
 */
describe('bulk job with a worker killed mid-batch three times (API.md §5)', () => {
  let cli: CliEnv;
  let token: string;
  let server: RunningServer | undefined;
  const bulk: BulkApi = bulkApi(() => server!.url, () => token);
  const serve = async () => {
    server = await startServe({ ...cli.env, ...WORKER_ENV });
  };

  before(async () => {
    cli = await createCliEnv();
    token = await prepareDemoTeam(cli);
  });
  after(async () => {
    killAllCli();
    await cli?.drop();
  });

  it(`bulk-create of ${COUNT} leads, kill -9 three times at staggered moments: nothing lost, nothing doubled`, async () => {
    await serve();
    const liveBefore = await bulk.liveLeads();
    const jobId = await bulk.bulkCreate(newLeads(COUNT, 'Kill'));
    let applied = 0;
    for (const [round, delay] of KILL_DELAYS_MS.entries()) {
      const seen = await bulk.waitFor(jobId, (v) => v.counts.SUCCESS > applied, 120_000, 50);
      await sleep(delay);
      server!.child.kill('SIGKILL');
      assert.equal((await server!.exited).signal, 'SIGKILL');

      // The dead worker still held partitions it had claimed and not finished.
      const claims = (await runningClaims(cli)).filter((c) => c.backgroundJobId === jobId);
      assert.ok(claims.length > 0, `kill ${round + 1} came when no partition was claimed`);
      await serve();
      const resumed = await bulk.job(jobId);
      assert.notEqual(resumed.job.completionStatus, 'SUCCESS', `the job was done before kill ${round + 1}`);
      assert.ok(resumed.counts.SUCCESS >= seen.counts.SUCCESS, 'committed entries were lost');
      applied = resumed.counts.SUCCESS;
    }
    await bulk.waitFor(jobId, (v) => v.job.completionStatus === 'SUCCESS', 180_000, 250);

    const entries = await assertAppliedOnce(bulk, jobId, COUNT);
    assert.equal(await bulk.liveLeads(), liveBefore + COUNT, 'a double application would have made extra leads');
    await assertOwnLeads(bulk, entries, 'Kill');
    await server!.stop();
  });
});
