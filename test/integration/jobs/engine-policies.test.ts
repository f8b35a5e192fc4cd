import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from 'typebox';
import { createJobEngine, defineJob, InvalidJobPayloadError, PermanentJobError } from '../../../src/jobs/index.ts';
import { createCapturingLogger } from '../../support/test-server.ts';
import { deferred, jobRow, manualClock, openJobsDatabase, testJob, type JobsDatabase } from '../../support/jobs.ts';

const SECOND = 1000;
const HOUR = 60 * 60 * SECOND;
const DAY = 24 * HOUR;

describe('job engine: typed kinds, named queues, unique keys, time-window retries, permanent failure', () => {
  let jobs: JobsDatabase;
  const log = createCapturingLogger();
  let seq = 0;
  const unique = (what: string) => `${what}.${++seq}`;

  before(async () => {
    jobs = await openJobsDatabase();
  });
  after(async () => {
    await jobs?.close();
  });

  it('a payload without its kind\'s shape is refused at enqueue, and nothing is stored', async () => {
    const clock = manualClock();
    const engine = createJobEngine({ db: jobs.db, clock, logger: log.logger, queues: { bulk: 1 } });
    const kind = defineJob({ name: unique('typed'), queue: 'bulk', payload: Type.Object({ orderId: Type.String() }, { additionalProperties: false }), retry: { attempts: 3 } });
    const before = await jobs.db.kysely.selectFrom('jobs').select('id').execute();
    for (const bad of [{}, { orderId: 7 }, { orderId: 'x', extra: true }]) {
      await assert.rejects(
        // @ts-expect-error -- the point is a payload of the wrong shape
        jobs.db.transaction((tx) => engine.enqueue(tx, kind, bad)),
        InvalidJobPayloadError,
      );
    }
    assert.equal((await jobs.db.kysely.selectFrom('jobs').select('id').execute()).length, before.length);
    assert.ok(await jobs.db.transaction((tx) => engine.enqueue(tx, kind, { orderId: 'A-1' })));
  });

  it('a second job with the same unique key is not added, in one call or across transactions', async () => {
    const clock = manualClock();
    const engine = createJobEngine({ db: jobs.db, clock, logger: log.logger, queues: { bulk: 4 } });
    const kind = testJob(unique('dedup'));
    const seen: unknown[] = [];
    engine.register(kind, async (payload) => {
      seen.push(payload);
      return 'done';
    });
    const key = unique('event');
    const first = await jobs.db.transaction((tx) => engine.enqueue(tx, kind, { n: 1 }, { uniqueKey: key }));
    const again = await jobs.db.transaction((tx) => engine.enqueue(tx, kind, { n: 2 }, { uniqueKey: key }));
    assert.ok(first);
    assert.equal(again, null);
    const many = await jobs.db.transaction((tx) => engine.enqueueMany(tx, kind, [{ n: 3 }, { n: 4 }, { n: 5 }], (p) => ({ uniqueKey: (p as { n: number }).n === 4 ? key : unique('other') })));
    assert.equal(many.length, 2, 'the duplicate in a multi-row enqueue was added');
    while (await engine.runOnce() > 0);
    assert.deepEqual(seen.map((p) => (p as { n: number }).n).sort(), [1, 3, 5]);
    // The key stays taken after the job finished (a late duplicate is still a duplicate).
    assert.equal(await jobs.db.transaction((tx) => engine.enqueue(tx, kind, { n: 6 }, { uniqueKey: key })), null);
  });

  it('a time-window job retries about 2 s, 4 s, 8 s … apart (±20 %), at most 1 h apart, and fails at the end of its 24 h', async () => {
    const clock = manualClock();
    let jitter = 0.5; // the middle of the range: no change
    const engine = createJobEngine({ db: jobs.db, clock, logger: log.logger, queues: { webhooks: 1 }, random: () => jitter });
    const kind = defineJob({ name: unique('deliver'), queue: 'webhooks', payload: Type.Object({}), retry: { windowMs: DAY, firstDelayMs: 2 * SECOND, maxDelayMs: HOUR } });
    const failures: string[] = [];
    engine.register(kind, async (_p, ctx) => {
      throw new Error(`down ${ctx.attempt}`);
    }, { onFailed: async (_p, error) => void failures.push(error) });
    const enqueuedAt = clock();
    const id = await jobs.db.transaction((tx) => engine.enqueue(tx, kind, {}));
    assert.equal((await jobRow(jobs.db, id)).give_up_at, enqueuedAt + DAY);

    const delays: number[] = [];
    for (;;) {
      assert.equal(await engine.runOnce(), 1);
      const row = await jobRow(jobs.db, id);
      if (row.status === 'failed') break;
      delays.push(row.run_at - clock());
      clock.advance(row.run_at - clock());
    }
    assert.deepEqual(delays.slice(0, 12).map((d) => d / SECOND), [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 3600]);
    assert.ok(delays.every((d) => d <= HOUR));
    assert.equal(clock(), enqueuedAt + DAY, 'the last attempt is at the end of the window');
    assert.deepEqual(failures.length, 1);
    assert.match(failures[0], /^down \d+$/);

    // Jitter moves each wait within ±20 %.
    jitter = 0;
    const low = await jobs.db.transaction((tx) => engine.enqueue(tx, kind, {}));
    assert.equal(await engine.runOnce(), 1);
    assert.equal((await jobRow(jobs.db, low)).run_at - clock(), 1.6 * SECOND);
    jitter = 0.999999;
    clock.advance(1.6 * SECOND);
    assert.equal(await engine.runOnce(), 1);
    assert.equal((await jobRow(jobs.db, low)).run_at - clock(), Math.round(4 * SECOND * (0.8 + 0.4 * 0.999999)));
  });

  it('a handler that throws PermanentJobError fails for good at once, with its reason kept', async () => {
    const clock = manualClock();
    const engine = createJobEngine({ db: jobs.db, clock, logger: log.logger, queues: { bulk: 1 } });
    const kind = testJob(unique('hopeless'), 10);
    const failed: string[] = [];
    engine.register(kind, async () => {
      throw new PermanentJobError('the endpoint has no secret');
    }, { onFailed: async (_p, error) => void failed.push(error) });
    const id = await jobs.db.transaction((tx) => engine.enqueue(tx, kind, {}));
    assert.equal(await engine.runOnce(), 1);
    const row = await jobRow(jobs.db, id);
    assert.equal(row.status, 'failed');
    assert.equal(row.attempts, 1);
    assert.equal(row.last_error, 'the endpoint has no secret');
    assert.deepEqual(failed, ['the endpoint has no secret']);
  });

  it('a queue busy with long work does not hold back another queue', async () => {
    const engine = createJobEngine({ db: jobs.db, clock: Date.now, logger: log.logger, queues: { bulk: 1, webhooks: 2 }, pollMs: 20 });
    const slow = testJob(unique('slow-bulk'));
    const quick = defineJob({ name: unique('quick-delivery'), queue: 'webhooks', payload: Type.Object({ i: Type.Integer() }), retry: { attempts: 3 } });
    const bulkHeld = deferred();
    const bulkEntered = deferred();
    const delivered: number[] = [];
    const allDelivered = deferred();
    engine.register(slow, async () => {
      bulkEntered.resolve();
      await bulkHeld.promise;
      return 'done';
    });
    engine.register(quick, async ({ i }) => {
      delivered.push(i);
      if (delivered.length === 5) allDelivered.resolve();
      return 'done';
    });
    await jobs.db.transaction(async (tx) => {
      await engine.enqueue(tx, slow, {});
      await engine.enqueue(tx, slow, {});
    });
    engine.start();
    try {
      await bulkEntered.promise;
      await jobs.db.transaction((tx) => engine.enqueueMany(tx, quick, [0, 1, 2, 3, 4].map((i) => ({ i }))));
      engine.poke();
      const started = Date.now();
      await allDelivered.promise;
      assert.ok(Date.now() - started < 1000, `deliveries waited ${Date.now() - started} ms behind bulk work`);
      assert.deepEqual([...delivered].sort(), [0, 1, 2, 3, 4]);
      const bulkRunning = await jobs.db.kysely.selectFrom('jobs').select('status').where('name', '=', slow.name).execute();
      assert.deepEqual(bulkRunning.map((r) => r.status).sort(), ['queued', 'running'], 'the bulk queue ran more than its one slot');
    } finally {
      bulkHeld.resolve();
      await engine.stop();
    }
  });
});
