import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCliEnv, killAllCli, spawnCli, startServe, type CliEnv, type RunningCli, type RunningServer } from '../support/cli.ts';
import { TEST_DIALECT } from '../support/env.ts';
import { assertAppliedOnce, assertOwnLeads, bulkApi, newLeads, prepareDemoTeam, runningClaims, type BulkApi } from '../support/jobs.ts';

const WORKER_ENV = { JOB_LEASE_MS: '1500', WORKER_CONCURRENCY: '2', RATE_LIMIT_PER_KEY: '0' };
/** 10 partitions: enough for both workers to get several. */
const FIRST_COUNT = 20_000;
/** 5 partitions. */
const SECOND_COUNT = 10_000;

interface Worker {
  readonly cli: RunningCli;
  readonly id: string;
}

type FinishLine = { backgroundJob: string; partition: number; entries: number; workerId: string };
const finishLines = (worker: Worker, jobId: string) =>
  worker.cli.logs().filter((l) => l.msg === 'bulk partition finished' && l.backgroundJob === jobId) as unknown as FinishLine[];

/**
 * The job turns SUCCESS in the last partition's final commit, a moment before that worker's log
 * line reaches us through its stderr pipe: wait for the lines of all `partitions`.
 */
async function allFinishLines(workers: readonly Worker[], jobId: string, partitions: number): Promise<FinishLine[][]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const lines = workers.map((w) => finishLines(w, jobId));
    if (new Set(lines.flat().map((l) => l.partition)).size >= partitions || Date.now() > deadline) return lines;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * OPERATIONS.md scale-out: `chakra serve --no-worker` plus `chakra worker` processes against one
 * PostgreSQL share bulk work (SKIP LOCKED claims), and a killed worker's partitions are taken
 * over once its lease expires. Only PostgreSQL runs several workers on one database.
 */
describe('scale-out: one API server and two workers on one PostgreSQL (OPERATIONS.md)', { skip: TEST_DIALECT !== 'postgres' && 'scale-out needs PostgreSQL; the postgres run covers it' }, () => {
  let cli: CliEnv;
  let token: string;
  let api: RunningServer;
  let workers: Worker[] = [];
  const bulk: BulkApi = bulkApi(() => api.url, () => token);

  const startWorker = async (): Promise<Worker> => {
    const worker = spawnCli(['worker'], { ...cli.env, ...WORKER_ENV });
    const started = await worker.waitForLog((l) => typeof l.msg === 'string' && l.msg.includes('waiting for work'), 30_000);
    return { cli: worker, id: String(started.workerId) };
  };

  before(async () => {
    cli = await createCliEnv();
    token = await prepareDemoTeam(cli);
    api = await startServe({ ...cli.env, ...WORKER_ENV }, ['--no-worker']);
    workers = await Promise.all([startWorker(), startWorker()]);
  });
  after(async () => {
    killAllCli();
    await cli?.drop();
  });

  it(`both workers take part in a ${FIRST_COUNT}-lead job, and no entry is applied twice`, async () => {
    const jobId = await bulk.bulkCreate(newLeads(FIRST_COUNT, 'Scale'));
    await bulk.waitFor(jobId, (v) => v.job.completionStatus === 'SUCCESS', 180_000, 250);

    const lines = await allFinishLines(workers, jobId, 10);
    lines.forEach((own, i) => assert.ok(own.length > 0, `worker ${i + 1} finished no partition:\n${workers[i].cli.stderr().slice(-2000)}`));
    lines.forEach((own, i) => assert.ok(own.every((l) => l.workerId === workers[i].id)));
    const finished = new Set(lines.flat().map((l) => l.partition));
    assert.deepEqual([...finished].sort((a, b) => a - b), Array.from({ length: 10 }, (_, i) => i));
    // What each worker says it settled never adds up to more than the job had.
    const settled = lines.flat().reduce((sum, l) => sum + l.entries, 0);
    assert.ok(settled <= FIRST_COUNT, `workers settled ${settled} entries of ${FIRST_COUNT}`);
    assert.ok(!api.logs().some((l) => l.msg === 'bulk partition finished' || (typeof l.msg === 'string' && l.msg.includes('worker started'))), '--no-worker did bulk work');

    const entries = await assertAppliedOnce(bulk, jobId, FIRST_COUNT);
    assert.equal(await bulk.liveLeads(), FIRST_COUNT);
    await assertOwnLeads(bulk, entries, 'Scale');
  });

  it('a worker killed mid-job: the other one finishes its partitions once the lease expires', async () => {
    const liveBefore = await bulk.liveLeads();
    const jobId = await bulk.bulkCreate(newLeads(SECOND_COUNT, 'Rescue'));
    await bulk.waitFor(jobId, (v) => v.counts.SUCCESS > 0, 60_000, 50);
    const claims = (await runningClaims(cli)).filter((c) => c.backgroundJobId === jobId);
    const victim = workers.find((w) => claims.some((c) => c.lockedBy === w.id));
    assert.ok(victim, `no worker holds a partition of the job: ${JSON.stringify(claims)}`);
    const survivor = workers.find((w) => w !== victim)!;
    victim.cli.child.kill('SIGKILL');
    assert.equal((await victim.cli.exited).signal, 'SIGKILL');
    const orphaned = (await runningClaims(cli)).filter((c) => c.backgroundJobId === jobId && c.lockedBy === victim.id).map((c) => c.partition);
    const victimFinished = new Set(finishLines(victim, jobId).map((l) => l.partition));
    assert.ok(orphaned.length > 0, 'the killed worker had already finished its partitions');
    assert.equal((await bulk.job(jobId)).job.completionStatus, 'IN_PROGRESS');

    await bulk.waitFor(jobId, (v) => v.job.completionStatus === 'SUCCESS', 180_000, 250);
    const survivorFinished = new Set((await allFinishLines([survivor], jobId, 5 - victimFinished.size))[0].map((l) => l.partition));
    for (const partition of orphaned) assert.ok(survivorFinished.has(partition), `partition ${partition} of the killed worker was not finished by the other`);
    assert.deepEqual([...new Set([...victimFinished, ...survivorFinished])].sort((a, b) => a - b), [0, 1, 2, 3, 4]);

    const entries = await assertAppliedOnce(bulk, jobId, SECOND_COUNT);
    assert.equal(await bulk.liveLeads(), liveBefore + SECOND_COUNT);
    await assertOwnLeads(bulk, entries, 'Rescue');
  });
});
