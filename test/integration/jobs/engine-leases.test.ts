import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { createJobEngine, type JobEngine } from '../../../src/jobs/index.ts';
import type { RootDb } from '../../../src/db/database.ts';
import { createCapturingLogger } from '../../support/test-server.ts';
import { deferred, jobRow, testJob, manualClock, openJobsDatabase, type JobsDatabase, type ManualClock } from '../../support/jobs.ts';

const LEASE_MS = 1000;

describe('job engine: leases, competing workers, stopping', () => {
  let jobs: JobsDatabase;
  const log = createCapturingLogger();
  const engineOn = (db: RootDb, clock: ManualClock | (() => number), concurrency = 1, pollMs?: number) =>
    createJobEngine({ db, clock, logger: log.logger, queues: { bulk: concurrency }, leaseMs: LEASE_MS, pollMs });
  let seq = 0;
  const uniqueName = (what: string, attempts?: number) => testJob(`${what}.${++seq}`, attempts);
  /** Every job of earlier tests is finished, so the engines of one test only see their own. */
  const assertQueueSettled = async () => {
    const open = await jobs.db.kysely.selectFrom('jobs').select(['id', 'name', 'status']).where('status', 'in', ['queued', 'running']).execute();
    assert.deepEqual(open, []);
  };

  before(async () => {
    jobs = await openJobsDatabase();
  });
  after(async () => {
    await jobs?.close();
  });

  it('an expired lease sends the job to another worker; the first can then neither renew nor finish it', async () => {
    const clock = manualClock();
    const first = engineOn(jobs.connect(), clock);
    const second = engineOn(jobs.connect(), clock);
    const name = uniqueName('long');
    const held = { first: deferred(), second: deferred() };
    const entered = { first: deferred(), second: deferred() };
    const heartbeats: Record<string, boolean[]> = { first: [], second: [] };
    const handlerFor = (who: 'first' | 'second') => async (_p: unknown, ctx: { heartbeat(): Promise<boolean> }) => {
      entered[who].resolve();
      await held[who].promise;
      heartbeats[who].push(await ctx.heartbeat());
      return 'done' as const;
    };
    first.register(name, handlerFor('first'));
    second.register(name, handlerFor('second'));
    const id = await jobs.db.transaction((tx) => first.enqueue(tx, name, {}));

    const firstRun = first.runOnce();
    await entered.first.promise;
    assert.equal((await jobRow(jobs.db, id)).locked_by, first.workerId);
    clock.advance(LEASE_MS);
    assert.equal(await second.runOnce(), 0, 'the lease was taken over before it expired');
    clock.advance(1);
    const secondRun = second.runOnce();
    await entered.second.promise;
    const taken = await jobRow(jobs.db, id);
    assert.equal(taken.status, 'running');
    assert.equal(taken.locked_by, second.workerId);
    assert.equal(taken.attempts, 2);
    assert.equal(taken.locked_until, clock() + LEASE_MS);

    held.first.resolve();
    assert.equal(await firstRun, 1);
    assert.deepEqual(heartbeats.first, [false]);
    const stillSeconds = await jobRow(jobs.db, id);
    assert.equal(stillSeconds.status, 'running', "the first worker's finish marked the job done");
    assert.equal(stillSeconds.locked_by, second.workerId);

    held.second.resolve();
    assert.equal(await secondRun, 1);
    assert.deepEqual(heartbeats.second, [true]);
    assert.equal((await jobRow(jobs.db, id)).status, 'done');
  });

  it('a heartbeat keeps the lease; a worker that fails after losing its lease does not requeue the job', async () => {
    await assertQueueSettled();
    const clock = manualClock();
    const owner = engineOn(jobs.connect(), clock);
    const rival = engineOn(jobs.connect(), clock);
    const name = uniqueName('renewed', 5);
    const step = { renew: deferred(), fail: deferred() };
    const renewed = deferred<boolean>();
    const entered = deferred();
    owner.register(name, async (_p, ctx) => {
      entered.resolve();
      await step.renew.promise;
      renewed.resolve(await ctx.heartbeat());
      await step.fail.promise;
      throw new Error('crashed after losing the lease');
    });
    let rivalRuns = 0;
    const rivalHeld = deferred();
    rival.register(name, async () => {
      rivalRuns++;
      await rivalHeld.promise;
      return 'done';
    });
    const id = await jobs.db.transaction((tx) => owner.enqueue(tx, name, {}));

    const ownerRun = owner.runOnce();
    await entered.promise;
    clock.advance(LEASE_MS - 100);
    step.renew.resolve();
    assert.equal(await renewed.promise, true);
    clock.advance(LEASE_MS - 100);
    assert.equal(await rival.runOnce(), 0, 'the renewed lease was taken over');
    clock.advance(200);
    const rivalRun = rival.runOnce();
    while (rivalRuns === 0) await sleep(5);

    step.fail.resolve();
    await ownerRun;
    const row = await jobRow(jobs.db, id);
    assert.equal(row.status, 'running', 'the stale failure put the job back in the queue');
    assert.equal(row.locked_by, rival.workerId);
    assert.equal(row.last_error, null);
    rivalHeld.resolve();
    await rivalRun;
    assert.equal((await jobRow(jobs.db, id)).status, 'done');
  });

  it('workers claiming at the same time never run one job twice', async () => {
    await assertQueueSettled();
    const name = uniqueName('many');
    const total = 200;
    const ran = new Map<string, string[]>();
    // Four workers, each with its own connection pool, as four processes would have.
    const engines: JobEngine[] = Array.from({ length: 4 }, () => engineOn(jobs.connect(), Date.now, 3));
    for (const engine of engines) {
      engine.register(name, async (_p, ctx) => {
        ran.set(ctx.jobId, [...(ran.get(ctx.jobId) ?? []), ctx.workerId]);
        await sleep(1);
        return 'done';
      });
    }
    const ids = await jobs.db.transaction(async (tx) => {
      const made: string[] = [];
      for (let i = 0; i < total; i++) made.push(String(await engines[0].enqueue(tx, name, { i })));
      return made;
    });
    const drain = async (engine: JobEngine) => {
      let idleRounds = 0;
      while (idleRounds < 3) idleRounds = (await engine.runOnce()) === 0 ? idleRounds + 1 : 0;
    };
    await Promise.all(engines.map(drain));

    const twice = [...ran].filter(([, workers]) => workers.length > 1);
    assert.deepEqual(twice, [], 'some jobs ran more than once');
    assert.deepEqual([...ran.keys()].sort(), [...ids].sort());
    const rows = await jobs.db.kysely.selectFrom('jobs').select(['status', 'attempts']).where('name', '=', name.name).execute();
    assert.ok(rows.every((r) => r.status === 'done' && r.attempts === 1), JSON.stringify(rows.filter((r) => r.status !== 'done' || r.attempts !== 1)));
    const workers = new Set([...ran.values()].flat());
    assert.ok(workers.size >= 2, `only ${workers.size} of 4 workers got any work`);
  });

  it('stop() lets a running handler see the abort signal and waits for it to hand its job back', async () => {
    await assertQueueSettled();
    const clock = manualClock();
    const engine = engineOn(jobs.db, clock, 1, 10);
    const name = uniqueName('stoppable');
    const entered = deferred<AbortSignal>();
    let handedBack = false;
    engine.register(name, async (_p, ctx) => {
      entered.resolve(ctx.signal);
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
      await sleep(50); // finishing its current step takes a while
      handedBack = true;
      return 'yield';
    });
    const id = await jobs.db.transaction((tx) => engine.enqueue(tx, name, {}));
    engine.start();
    const signal = await entered.promise;
    assert.equal(signal.aborted, false);
    await engine.stop();
    assert.equal(signal.aborted, true);
    assert.equal(handedBack, true, 'stop() returned before the handler finished');
    const row = await jobRow(jobs.db, id);
    assert.equal(row.status, 'queued', 'the released job is not back in the queue');
    assert.equal(row.attempts, 0);
    assert.equal(row.locked_by, null);

    // Started again, the engine picks the job up where it was left.
    engine.register(name, async () => 'done');
    engine.start();
    const deadline = Date.now() + 5000;
    while ((await jobRow(jobs.db, id)).status !== 'done' && Date.now() < deadline) await sleep(10);
    await engine.stop();
    assert.equal((await jobRow(jobs.db, id)).status, 'done');
  });

  it('an idle worker polls without piling up listeners on its stop signal', async () => {
    await assertQueueSettled();
    const engine = engineOn(jobs.db, Date.now, 1, 5);
    const name = uniqueName('probe');
    const signal = deferred<AbortSignal>();
    engine.register(name, async (_p, ctx) => {
      signal.resolve(ctx.signal);
      return 'done';
    });
    await jobs.db.transaction((tx) => engine.enqueue(tx, name, {}));
    engine.start();
    const stopSignal = await signal.promise;
    await sleep(300); // about 60 idle polls
    const listeners = getEventListeners(stopSignal, 'abort').length;
    await engine.stop();
    assert.ok(listeners <= 1, `${listeners} abort listeners after idle polling: one is left behind per poll`);
  });

  it('purgeFinished leaves running and queued jobs alone, however old', async () => {
    await assertQueueSettled();
    const clock = manualClock();
    const engine = engineOn(jobs.db, clock);
    const name = uniqueName('slow');
    const held = deferred();
    const entered = deferred();
    engine.register(name, async () => {
      entered.resolve();
      await held.promise;
      return 'done';
    });
    const running = await jobs.db.transaction((tx) => engine.enqueue(tx, name, {}));
    const queued = await jobs.db.transaction((tx) => engine.enqueue(tx, name, {}, { runAt: clock() + 1 }));
    const run = engine.runOnce();
    await entered.promise;
    clock.advance(400 * 24 * 60 * 60 * 1000);
    await engine.purgeFinished(clock());
    assert.equal((await jobRow(jobs.db, running)).status, 'running');
    assert.equal((await jobRow(jobs.db, queued)).status, 'queued');
    held.resolve();
    await run;
    assert.equal((await jobRow(jobs.db, running)).status, 'done');
  });
});
