import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCliEnv, killAllCli, startServe, type CliEnv, type RunningServer } from '../support/cli.ts';
import { assertAppliedOnce, assertOwnLeads, bulkApi, chunks, mapLimit, newLeads, prepareDemoTeam, sample, updateCounts, type BulkApi } from '../support/jobs.ts';

/** Small lease so a killed worker's claims come back quickly; two jobs at a time per process. */
const WORKER_ENV = { JOB_LEASE_MS: '1500', WORKER_CONCURRENCY: '2', RATE_LIMIT_PER_KEY: '0' };
/** 10 partitions of 2000, each 4 batches of 500. */
const CREATE_COUNT = 20_000;
/** 3 partitions of about 1500, each several batches of 500. */
const UPDATE_COUNT = 4_500;

/**
 * API.md §5 "Nothing is lost": a server killed with SIGKILL in the middle of a bulk job, then
 * started again on the same data, finishes the job with every entry applied exactly once.
 */
describe('bulk jobs survive kill -9 of the server (API.md §5)', () => {
  let cli: CliEnv;
  let token: string;
  let server: RunningServer | undefined;
  const bulk: BulkApi = bulkApi(() => server!.url, () => token);

  const serve = async () => {
    server = await startServe({ ...cli.env, ...WORKER_ENV });
  };
  /** SIGKILL once the job has applied some but not all entries; returns what was seen last. */
  const killMidJob = async (jobId: string, total: number) => {
    const seen = await bulk.waitFor(jobId, (v) => v.counts.SUCCESS > 0, 60_000, 50);
    assert.ok(seen.counts.SUCCESS < total, `the job was already done before the kill: ${JSON.stringify(seen.counts)}`);
    server!.child.kill('SIGKILL');
    assert.equal((await server!.exited).signal, 'SIGKILL');
    return seen;
  };
  /** Restarted, the job is still unfinished (so the kill really came mid-job), then finishes. */
  const restartAndFinish = async (jobId: string, total: number) => {
    await serve();
    const resumed = await bulk.job(jobId);
    assert.notEqual(resumed.job.completionStatus, 'SUCCESS', 'the job had finished before the kill');
    assert.ok(resumed.counts.SUCCESS < total);
    await bulk.waitFor(jobId, (v) => v.job.completionStatus !== 'IN_PROGRESS' && v.job.completionStatus !== 'NOT_STARTED', 180_000, 250);
  };

  before(async () => {
    cli = await createCliEnv();
    token = await prepareDemoTeam(cli);
  });
  after(async () => {
    killAllCli();
    await cli?.drop();
  });

  it(`bulk-create of ${CREATE_COUNT} leads without primary keys: killed mid-job, restarted, each entry applied exactly once`, async () => {
    await serve();
    const liveBefore = await bulk.liveLeads();
    const jobId = await bulk.bulkCreate(newLeads(CREATE_COUNT, 'Crash'));
    await killMidJob(jobId, CREATE_COUNT);
    await restartAndFinish(jobId, CREATE_COUNT);

    const entries = await assertAppliedOnce(bulk, jobId, CREATE_COUNT);
    assert.equal(await bulk.liveLeads(), liveBefore + CREATE_COUNT, 'a double application would have made extra leads');
    await assertOwnLeads(bulk, entries, 'Crash');
    await server!.stop();
  });

  it(`bulk-update of ${UPDATE_COUNT} leads: killed mid-job, restarted, each lead updated exactly once`, async () => {
    await serve();
    const createJob = await bulk.bulkCreate(newLeads(UPDATE_COUNT, 'Upd'));
    await bulk.waitFor(createJob, (v) => v.job.completionStatus === 'SUCCESS', 180_000, 250);
    const targets = (await assertAppliedOnce(bulk, createJob, UPDATE_COUNT)).map((e) => e.completionResult!.processId);
    const leadIds = new Map((await mapLimit(chunks(targets, 100), 4, bulk.findLeads)).flat().map((p) => [p.id, String(p.data.lead_id)]));

    // Both item forms of API.md §3: by id with the change at the root, by primary key with "update".
    const newScore = (i: number) => 1_000_000 + i;
    const items = targets.map((id, i) => (i % 2 === 0
      ? { id, data: { score: newScore(i) } }
      : { lead_id: leadIds.get(id), update: { data: { score: newScore(i) } } }));
    const jobId = await bulk.bulkUpdate(items);
    await killMidJob(jobId, UPDATE_COUNT);
    await restartAndFinish(jobId, UPDATE_COUNT);

    const entries = await assertAppliedOnce(bulk, jobId, UPDATE_COUNT);
    entries.forEach((e) => assert.equal(e.completionResult!.processId, targets[e.index], `entry ${e.index} names another process`));
    const leads = (await mapLimit(chunks(targets, 100), 4, bulk.findLeads)).flat();
    const scores = new Map(leads.map((p) => [p.id, p.data.score]));
    targets.forEach((id, i) => assert.equal(scores.get(id), newScore(i), `lead ${i}`));

    // A double application leaves a second "update" in the history: count them all in the
    // database, and read a sample through the API as a client would.
    const updates = await updateCounts(cli, targets);
    const notOnce = targets.filter((id) => updates.get(id) !== 1);
    assert.deepEqual(notOnce.slice(0, 5).map((id) => [id, updates.get(id) ?? 0]), [], `${notOnce.length} leads were not updated exactly once`);
    for (const i of sample(targets.map((_, i) => i), 20)) {
      const history = await bulk.history(targets[i]);
      assert.equal(history.status, 200, JSON.stringify(history.body));
      const actions = (history.body._data as { action: string; changes: { data?: Record<string, { from: unknown; to: unknown }> } }[]);
      assert.deepEqual(actions.map((h) => h.action), ['create', 'update'], `lead ${i}`);
      assert.deepEqual(actions[1].changes.data?.score, { from: i, to: newScore(i) });
    }
    await server!.stop();
  });
});

