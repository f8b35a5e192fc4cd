import type { InboundRun } from './inbound.ts';

/**
 * The inbound figures beside the targets. The targets are set for SQLite with one
 * process; PostgreSQL (with two worker processes) is reported against the same figures but never
 * fails the run on them. Correctness (every event answered, stored once per customer, delivered
 * signed) fails any run.
 */
export interface InboundRow {
  readonly figure: string;
  readonly value: number | string | null;
  readonly target: string;
  /** null: no target for this figure. */
  readonly met: boolean | null;
}

export interface InboundEvaluation {
  readonly rows: InboundRow[];
  /** A correctness check failed, or (SQLite) a target was missed. */
  readonly failed: boolean;
}

export const INBOUND_TARGETS = { acceptedPerSecond: 1000, p99Ms: 50, drainSeconds: 10, deliveryStartMaxMs: 1000 } as const;

/**
 * Event i comes from customer i mod `customers`, so once the stored events outnumber the customers
 * by more than the events a burst may leave unanswered at its end (one per connection, two
 * bursts), every customer has a chat. Below that the exact set is not known; at most one chat per
 * stored event.
 */
const SLACK = 20;
const chatsTarget = (run: InboundRun): string =>
  run.counts.events >= run.customers + SLACK ? String(run.customers) : `≤ ${Math.min(run.customers, run.counts.events)}`;
const chatsMet = (run: InboundRun): boolean =>
  run.counts.events >= run.customers + SLACK ? run.counts.chats === run.customers : run.counts.chats <= Math.min(run.customers, run.counts.events);

export function evaluateInbound(run: InboundRun): InboundEvaluation {
  const { burst, drain, counts, endpoint, underBulk: bulk } = run;
  const t = INBOUND_TARGETS;
  const targetRows: InboundRow[] = [
    { figure: `events/s accepted (200), ${burst.seconds} s`, value: burst.reqPerSec, target: `≥ ${t.acceptedPerSecond}`, met: burst.reqPerSec >= t.acceptedPerSecond },
    { figure: 'receiver p99 ms', value: burst.p99Ms, target: `≤ ${t.p99Ms}`, met: burst.p99Ms <= t.p99Ms },
    { figure: 'backlog drained, s after the burst', value: drain.seconds ?? 'not drained', target: `≤ ${t.drainSeconds}`, met: drain.seconds !== null && drain.seconds <= t.drainSeconds },
    {
      figure: `delivery start while the bulk job ran (${bulk.duringBulk} events), max ms`, value: bulk.duringBulk > 0 ? bulk.deliveryStartMs.max : 'no events in its run',
      target: `≤ ${t.deliveryStartMaxMs}`, met: bulk.duringBulk > 0 && bulk.deliveryStartMs.max <= t.deliveryStartMaxMs,
    },
  ];
  const checks: InboundRow[] = [
    { figure: 'non-200 answers + socket errors', value: burst.non2xx + burst.errors, target: '0', met: burst.non2xx + burst.errors === 0 },
    { figure: 'raw events kept ≥ events accepted', value: `${counts.events} ≥ ${run.acceptedTotal}`, target: 'yes', met: counts.events >= run.acceptedTotal },
    { figure: 'INBOUND messages stored = events processed', value: `${counts.messages} = ${counts.processed}`, target: 'yes', met: counts.messages === counts.processed },
    { figure: 'chats (one per customer)', value: counts.chats, target: chatsTarget(run), met: chatsMet(run) },
    { figure: 'leads (one per chat: found again by phone)', value: counts.leads, target: String(counts.chats), met: counts.leads === counts.chats },
    { figure: 'deliveries with a bad signature or no event id', value: endpoint.badSignatures + endpoint.missingEventId, target: '0', met: endpoint.badSignatures + endpoint.missingEventId === 0 },
    { figure: 'events under bulk not answered 200', value: bulk.posted - bulk.accepted, target: '0', met: bulk.posted === bulk.accepted },
    { figure: 'events under bulk never delivered', value: bulk.undelivered, target: '0', met: bulk.undelivered === 0 },
    { figure: `bulk job (${bulk.bulkItems} items) ended`, value: `${bulk.bulkJob.completionStatus}, ${bulk.bulkJob.succeeded} created`, target: 'SUCCESS', met: bulk.bulkJob.completionStatus === 'SUCCESS' && bulk.bulkJob.succeeded === bulk.bulkItems },
  ];
  const info: InboundRow[] = [
    { figure: 'events accepted in the burst', value: burst.accepted, target: '', met: null },
    { figure: 'receiver p50 ms', value: burst.p50Ms, target: '', met: null },
    { figure: '… processed (raw events marked processed), s', value: drain.processedSeconds ?? 'no', target: '', met: null },
    { figure: '… pass-through delivered, s', value: drain.passThroughSeconds ?? 'no', target: '', met: null },
    { figure: '… Chakra `message` events delivered, s', value: drain.chakraSeconds ?? 'no', target: '', met: null },
    { figure: 'duplicate deliveries (same event id)', value: endpoint.duplicates, target: '', met: null },
    { figure: 'delivery start while the bulk job ran, p50 / p99 ms', value: `${bulk.deliveryStartMs.p50} / ${bulk.deliveryStartMs.p99}`, target: '', met: null },
    { figure: `delivery start, every paced event (${bulk.accepted}), p50 / p99 / max ms`, value: `${bulk.deliveryStartAllMs.p50} / ${bulk.deliveryStartAllMs.p99} / ${bulk.deliveryStartAllMs.max}`, target: '', met: null },
    { figure: 'receiver beside the bulk job, p50 / p99 ms', value: `${bulk.receiverP50Ms} / ${bulk.receiverP99Ms}`, target: '', met: null },
    { figure: 'bulk job running during the posting, s', value: `${bulk.bulkRunningSeconds} of ${bulk.postingSeconds}`, target: '', met: null },
    { figure: 'bulk job finished, s after accept', value: bulk.bulkJob.finishSeconds, target: '', met: null },
  ];
  const missed = targetRows.some((r) => r.met === false);
  const broken = checks.some((r) => r.met === false);
  return { rows: [...targetRows, ...checks, ...info], failed: broken || (run.targeted && missed) };
}

const mark = (met: boolean | null): string => (met === null ? '' : met ? 'met' : 'MISSED');

export function formatInboundTable(runs: readonly { run: InboundRun; evaluation: InboundEvaluation }[]): string {
  const lines = ['| database | figure | value | target | |', '| --- | --- | ---: | --- | --- |'];
  for (const { run, evaluation } of runs) {
    const where = `${run.dialect}, ${run.variant}`;
    for (const row of evaluation.rows) lines.push(`| ${where} | ${row.figure} | ${row.value ?? ''} | ${row.target} | ${mark(row.met)} |`);
  }
  return lines.join('\n');
}
