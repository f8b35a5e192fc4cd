import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createJobEngine, type JobContext, type JobHandler } from '../../../src/jobs/index.ts';
import { createCapturingLogger } from '../../support/test-server.ts';
import { jobRow, testJob, manualClock, openJobsDatabase, type JobsDatabase } from '../../support/jobs.ts';

const SECOND = 1000;
const DAY = 24 * 60 * 60 * SECOND;

describe('job engine: enqueue, retries with backoff, yield, purge', () => {
  let jobs: JobsDatabase;
  const clock = manualClock();
  const log = createCapturingLogger();
  const engine = () => createJobEngine({ db: jobs.db, clock, logger: log.logger, queues: { bulk: 4 }, leaseMs: 30 * SECOND });
  // Each test uses its own job name, so jobs of one test never reach another's handler.
  let seq = 0;
  const uniqueName = (what: string, attempts?: number) => testJob(`${what}.${++seq}`, attempts);

  before(async () => {
    jobs = await openJobsDatabase();
  });
  after(async () => {
    await jobs?.close();
  });

  it('a job enqueued in a transaction that rolls back never exists; one that commits runs exactly once', async () => {
    const e = engine();
    const name = uniqueName('send');
    const seen: unknown[] = [];
    e.register(name, async (payload) => {
      seen.push(payload);
      return 'done';
    });
    let rolledBackId = '';
    await assert.rejects(jobs.db.transaction(async (tx) => {
      rolledBackId = String(await e.enqueue(tx, name, { n: 'rolled back' }));
      throw new Error('the change that caused the job failed');
    }), /the change that caused the job failed/);
    assert.equal(await jobs.db.kysely.selectFrom('jobs').select('id').where('id', '=', rolledBackId).executeTakeFirst(), undefined);
    assert.equal(await e.runOnce(), 0);
    assert.deepEqual(seen, []);

    const id = await jobs.db.transaction((tx) => e.enqueue(tx, name, { n: 'committed', list: [1, 2] }));
    assert.equal((await jobRow(jobs.db, id)).status, 'queued');
    assert.equal(await e.runOnce(), 1);
    assert.deepEqual(seen, [{ n: 'committed', list: [1, 2] }]);
    const row = await jobRow(jobs.db, id);
    assert.equal(row.status, 'done');
    assert.equal(row.attempts, 1);
    assert.equal(row.finished_at, clock());
    assert.equal(row.locked_by, null);

    clock.advance(DAY);
    assert.equal(await e.runOnce(), 0, 'a finished job ran again');
    assert.equal(seen.length, 1);
  });

  it('a job given runAt waits until then', async () => {
    const e = engine();
    const name = uniqueName('later');
    let runs = 0;
    e.register(name, async () => {
      runs++;
      return 'done';
    });
    const id = await jobs.db.transaction((tx) => e.enqueue(tx, name, {}, { runAt: clock() + 5 * SECOND }));
    clock.advance(5 * SECOND - 1);
    assert.equal(await e.runOnce(), 0);
    clock.advance(1);
    assert.equal(await e.runOnce(), 1);
    assert.equal(runs, 1);
    assert.equal((await jobRow(jobs.db, id)).status, 'done');
  });

  it('a failing job is retried after 1 s, 2 s, 4 s — never before — then fails for good, once, and stays visible', async () => {
    const e = engine();
    const name = uniqueName('flaky', 4);
    const failures: { payload: unknown; error: string }[] = [];
    const attemptsSeen: number[] = [];
    const handler: JobHandler = async (_payload, ctx: JobContext) => {
      attemptsSeen.push(ctx.attempt);
      throw new Error(`boom ${ctx.attempt}`);
    };
    e.register(name, handler, { onFailed: async (payload, error) => void failures.push({ payload, error }) });
    const id = await jobs.db.transaction((tx) => e.enqueue(tx, name, { order: 7 }));

    assert.equal(await e.runOnce(), 1);
    for (const [attempt, delay] of [[1, 1], [2, 2], [3, 4]] as const) {
      const row = await jobRow(jobs.db, id);
      assert.equal(row.status, 'queued', `after attempt ${attempt}`);
      assert.equal(row.attempts, attempt);
      assert.equal(row.last_error, `boom ${attempt}`);
      assert.equal(row.run_at, clock() + delay * SECOND, `retry ${attempt} is not ${delay} s later`);
      assert.equal(row.locked_by, null);
      clock.advance(delay * SECOND - 1);
      assert.equal(await e.runOnce(), 0, `retry ${attempt} ran before its time`);
      clock.advance(1);
      assert.equal(await e.runOnce(), 1, `retry ${attempt} did not run on time`);
    }
    assert.deepEqual(attemptsSeen, [1, 2, 3, 4]);

    const failed = await jobRow(jobs.db, id);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.attempts, 4);
    assert.equal(failed.last_error, 'boom 4');
    assert.equal(failed.finished_at, clock());
    assert.deepEqual(failures, [{ payload: { order: 7 }, error: 'boom 4' }]);
    assert.ok(log.lines().some((l) => l.includes('job failed permanently') && l.includes(String(id))), 'the final failure was not logged');

    clock.advance(DAY);
    assert.equal(await e.runOnce(), 0, 'a failed job ran again');
    assert.equal(failures.length, 1, 'onFailed was called more than once');
    assert.equal((await jobRow(jobs.db, id)).status, 'failed');
  });

  it('backoff keeps doubling and is capped at 10 minutes', async () => {
    const e = engine();
    const name = uniqueName('stubborn', 13);
    e.register(name, async () => {
      throw new Error('still down');
    });
    const id = await jobs.db.transaction((tx) => e.enqueue(tx, name, {}));
    const delays: number[] = [];
    for (let i = 0; i < 12; i++) {
      assert.equal(await e.runOnce(), 1);
      const row = await jobRow(jobs.db, id);
      delays.push(row.run_at - clock());
      clock.advance(row.run_at - clock());
    }
    assert.deepEqual(delays.map((d) => d / SECOND), [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600]);
    assert.equal(await e.runOnce(), 1);
    assert.equal((await jobRow(jobs.db, id)).status, 'failed');
  });

  it("'yield' puts the job back at once without using up an attempt, however often", async () => {
    const e = engine();
    const name = uniqueName('polite', 2);
    const attemptsSeen: number[] = [];
    e.register(name, async (_payload, ctx) => {
      attemptsSeen.push(ctx.attempt);
      return attemptsSeen.length < 5 ? 'yield' : 'done';
    });
    const id = await jobs.db.transaction((tx) => e.enqueue(tx, name, {}));
    for (let turn = 1; turn <= 4; turn++) {
      assert.equal(await e.runOnce(), 1);
      const row = await jobRow(jobs.db, id);
      assert.equal(row.status, 'queued', `after yield ${turn}`);
      assert.equal(row.attempts, 0, `yield ${turn} counted as an attempt`);
      assert.equal(row.run_at, clock(), 'a yielded job must be due again at once');
      assert.equal(row.last_error, null);
    }
    assert.equal(await e.runOnce(), 1);
    assert.deepEqual(attemptsSeen, [1, 1, 1, 1, 1]);
    const row = await jobRow(jobs.db, id);
    assert.equal(row.status, 'done');
    assert.equal(row.attempts, 1);
  });

  it('purgeFinished removes done and failed jobs finished before the cutoff, and nothing else', async () => {
    const e = engine();
    const ok = uniqueName('ok', 1);
    const bad = uniqueName('bad', 1);
    const idle = uniqueName('idle', 1);
    e.register(ok, async () => 'done');
    e.register(bad, async () => {
      throw new Error('no');
    });
    e.register(idle, async () => 'done');
    // Whatever earlier tests left is finished already and far older than the cutoff.
    const enqueue = (name: ReturnType<typeof testJob>, runAt?: number) => jobs.db.transaction((tx) => e.enqueue(tx, name, {}, { runAt }));
    const oldDone = await enqueue(ok);
    const oldFailed = await enqueue(bad);
    const queued = await enqueue(idle, clock() + 365 * DAY);
    assert.equal(await e.runOnce(), 2);
    const cutoff = clock() + 1;
    clock.advance(10 * DAY);
    const newDone = await enqueue(ok);
    const newFailed = await enqueue(bad);
    assert.equal(await e.runOnce(), 2);
    const before = await jobs.db.kysely.selectFrom('jobs').select(['id', 'status']).execute();
    const expectedGone = before.filter((r) => (r.status === 'done' || r.status === 'failed') && ![newDone, newFailed].includes(r.id));

    assert.equal(await e.purgeFinished(cutoff), expectedGone.length);
    const left = (await jobs.db.kysely.selectFrom('jobs').select('id').execute()).map((r) => r.id).sort();
    assert.deepEqual(left, [queued, newDone, newFailed].sort());
    assert.ok(expectedGone.some((r) => r.id === oldDone) && expectedGone.some((r) => r.id === oldFailed));
    assert.equal(await e.purgeFinished(cutoff), 0);
  });
});
