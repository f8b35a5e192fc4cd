import { table } from './bulk-report.ts';
import type { MixedRun } from './mixed.ts';
import type { Verdict } from './procedures-report.ts';

/**
 * Targets of the mixed part: together the workloads keep at least 0.8 of the capacity they each
 * had alone (sum of mixed ÷ alone), none is starved (each ratio ≥ 0.15), each answers within
 * 20 ms at the 99th percentile, and the server's RSS at the end is within 10% of its RSS when the
 * warm-up ended.
 */
export const MIXED_TARGETS = { minRatioSum: 0.8, minRatio: 0.15, maxP99Ms: 20, maxRssGrowth: 1.1 } as const;

export interface MixedRow {
  readonly workload: string;
  readonly aloneReqPerSec: number;
  readonly mixedReqPerSec: number;
  readonly ratio: number;
  readonly aloneP99Ms: number;
  readonly mixedP50Ms: number;
  readonly mixedP99Ms: number;
}

export interface MixedEvaluation {
  readonly rows: MixedRow[];
  readonly ratioSum: number;
  readonly verdicts: Verdict[];
  readonly problems: string[];
  readonly failed: boolean;
}

const round2 = (value: number): number => Math.round(value * 100) / 100;

export function evaluateMixed(run: MixedRun): MixedEvaluation {
  const rows: MixedRow[] = run.mixed.map((m, i) => {
    const a = run.alone[i];
    return {
      workload: m.name, aloneReqPerSec: a.reqPerSec, mixedReqPerSec: m.reqPerSec, ratio: a.reqPerSec > 0 ? round2(m.reqPerSec / a.reqPerSec) : 0,
      aloneP99Ms: a.p99Ms, mixedP50Ms: m.p50Ms, mixedP99Ms: m.p99Ms,
    };
  });
  const ratioSum = round2(rows.reduce((total, r) => total + r.ratio, 0));
  const lowest = rows.reduce((low, r) => (r.ratio < low.ratio ? r : low), rows[0]);
  const { rss } = run;
  const rssGrowth = rss.atReferenceMiB > 0 ? round2(rss.endMiB / rss.atReferenceMiB) : NaN;
  const verdicts: Verdict[] = [
    { check: 'sum of mixed ÷ alone', value: ratioSum, target: `≥ ${MIXED_TARGETS.minRatioSum}`, pass: ratioSum >= MIXED_TARGETS.minRatioSum },
    { check: `lowest mixed ÷ alone (${lowest.workload})`, value: lowest.ratio, target: `≥ ${MIXED_TARGETS.minRatio}`, pass: lowest.ratio >= MIXED_TARGETS.minRatio },
    ...rows.map((r) => ({ check: `${r.workload} p99 ms, mixed`, value: r.mixedP99Ms, target: `≤ ${MIXED_TARGETS.maxP99Ms} ms`, pass: r.mixedP99Ms <= MIXED_TARGETS.maxP99Ms })),
    { check: `RSS at end ÷ at ${rss.referenceSeconds} s`, value: rssGrowth, target: `≤ ${MIXED_TARGETS.maxRssGrowth}`, pass: rssGrowth <= MIXED_TARGETS.maxRssGrowth },
  ];
  const problems = [...run.alone.map((m) => ['alone', m] as const), ...run.mixed.map((m) => ['mixed', m] as const)]
    .filter(([, m]) => m.non2xx + m.errors > 0)
    .map(([when, m]) => `${m.name} ${when}: ${m.non2xx + m.errors} failed requests (${m.firstFailure ?? ''})`);
  return { rows, ratioSum, verdicts, problems, failed: problems.length > 0 || (run.dialect === 'sqlite' && verdicts.some((v) => !v.pass)) };
}

export function formatMixedTable(run: MixedRun, evaluation: MixedEvaluation): string {
  const title = `${run.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} — mixed: ${run.connectionsPerWorkload} connections each creating, fetching and listing leads, ` +
    `alone ${run.aloneSeconds} s each, then all at once for ${run.seconds} s (\`lead\` grew from ${run.seededLeads.toLocaleString('en-US')} to ${run.leadsAtEnd.toLocaleString('en-US')})`;
  const work = table(
    ['workload', 'alone req/s', 'mixed req/s', 'mixed ÷ alone', 'p99 ms alone', 'p50 ms mixed', 'p99 ms mixed'],
    [
      ...evaluation.rows.map((r) => [r.workload, String(r.aloneReqPerSec), String(r.mixedReqPerSec), r.ratio.toFixed(2), r.aloneP99Ms.toFixed(2), r.mixedP50Ms.toFixed(2), r.mixedP99Ms.toFixed(2)]),
      ['sum', '', '', evaluation.ratioSum.toFixed(2), '', '', ''],
    ],
    new Set([1, 2, 3, 4, 5, 6]),
  );
  const word = (pass: boolean) => (run.dialect === 'sqlite' ? (pass ? 'pass' : 'FAIL') : pass ? 'met' : 'missed');
  const targets = table(['check', 'value', 'target', 'result'], evaluation.verdicts.map((v) => [v.check, v.value.toFixed(2), v.target, word(v.pass)]), new Set([1]));
  const { rss } = run;
  const notes = [
    `server RSS: ${rss.startMiB} MiB at the start of the mixed run, ${rss.atReferenceMiB} MiB at ${rss.referenceSeconds} s (warm-up end), ${rss.endMiB} MiB at the end, max ${rss.maxMiB} MiB`,
    `server RSS, MiB, every ${rssStep(rss.samplesMiB.length)} s: ${rssTrace(rss.samplesMiB).join(' ')}`,
    `server CPU over the mixed run: ${run.mixedServerCpuMsPerRequest ?? '?'} ms/req; list: ${JSON.stringify(run.listWhere)} limit 50`,
    ...(run.dialect === 'sqlite' ? [] : ['(PostgreSQL is reported against the same targets: met / missed)']),
    ...evaluation.problems.map((p) => `FAILED — ${p}`),
  ];
  return [title, ...work, '', ...targets, ...notes].join('\n');
}

/** About a dozen samples spread over the run, enough to see a trend in one line. */
const rssStep = (count: number): number => Math.max(1, Math.ceil((count - 1) / 12));
const rssTrace = (samples: readonly number[]): string[] => {
  const step = rssStep(samples.length);
  const picked = samples.filter((_, i) => i % step === 0);
  if ((samples.length - 1) % step !== 0) picked.push(samples[samples.length - 1]);
  return picked.map((s) => s.toFixed(0));
};
