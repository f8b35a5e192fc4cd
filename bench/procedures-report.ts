import { table } from './bulk-report.ts';
import type { Measurement } from './measure.ts';
import type { ProceduresRun } from './procedures.ts';

/**
 * Targets of the many-procedures part: every workload beside the other procedures keeps at least
 * 0.8 of its rate alone, and the selective list answers within 20 ms at the 99th percentile.
 */
export const PROCEDURES_TARGETS = { minRatio: 0.8, maxListP99Ms: 20 } as const;

export interface Verdict {
  readonly check: string;
  readonly value: number;
  readonly target: string;
  readonly pass: boolean;
}

export interface ProceduresRow {
  readonly workload: string;
  readonly unit: 'req/s' | 'entries/s';
  readonly alone: number;
  readonly crowded: number;
  /** crowded ÷ alone. */
  readonly ratio: number;
  readonly latency: { readonly alone: Measurement; readonly crowded: Measurement } | null;
}

export interface ProceduresEvaluation {
  readonly rows: ProceduresRow[];
  readonly verdicts: Verdict[];
  /** Failed requests and bulk verifications: these fail the run on either database. */
  readonly problems: string[];
  /** A problem, or a target missed on SQLite (the database the targets are set for). */
  readonly failed: boolean;
}

const ratio = (a: number, b: number): number => (b > 0 ? Math.round((a / b) * 100) / 100 : 0);

export function evaluateProcedures(run: ProceduresRun): ProceduresEvaluation {
  const { alone, crowded } = run;
  const rows: ProceduresRow[] = alone.measurements.map((a, i) => {
    const c = crowded.measurements[i];
    return { workload: a.name, unit: 'req/s', alone: a.reqPerSec, crowded: c.reqPerSec, ratio: ratio(c.reqPerSec, a.reqPerSec), latency: { alone: a, crowded: c } };
  });
  rows.push({
    workload: `bulk-create ${alone.bulk.items}`, unit: 'entries/s', alone: alone.bulk.entriesPerSecond, crowded: crowded.bulk.entriesPerSecond,
    ratio: ratio(crowded.bulk.entriesPerSecond, alone.bulk.entriesPerSecond), latency: null,
  });
  const verdicts: Verdict[] = rows.map((r) => ({ check: `${r.workload} ${crowded.label} ÷ alone`, value: r.ratio, target: `≥ ${PROCEDURES_TARGETS.minRatio}`, pass: r.ratio >= PROCEDURES_TARGETS.minRatio }));
  for (const side of [alone, crowded]) {
    const list = side.measurements.find((m) => m.name === 'list');
    if (list) verdicts.push({ check: `list p99 ms, ${side.label}`, value: list.p99Ms, target: `≤ ${PROCEDURES_TARGETS.maxListP99Ms} ms`, pass: list.p99Ms <= PROCEDURES_TARGETS.maxListP99Ms });
  }
  const problems: string[] = [];
  for (const side of [alone, crowded]) {
    for (const m of side.measurements) if (m.non2xx + m.errors > 0) problems.push(`${side.label}, ${m.name}: ${m.non2xx + m.errors} failed requests (${m.firstFailure ?? ''})`);
    problems.push(...side.bulk.problems.map((p) => `${side.label}, bulk-create: ${p}`));
  }
  return { rows, verdicts, problems, failed: problems.length > 0 || (run.dialect === 'sqlite' && verdicts.some((v) => !v.pass)) };
}

const ms = (value: number): string => value.toFixed(2);
const cpu = (m: Measurement): string => m.serverCpuMsPerRequest?.toFixed(3) ?? '';

export function formatProceduresTable(run: ProceduresRun, evaluation: ProceduresEvaluation): string {
  const { alone, crowded, crowd } = run;
  const title = `${run.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} — many procedures: \`lead\` (${run.leadProcesses.toLocaleString('en-US')} leads seeded) alone, ` +
    `then beside ${crowd.procedures} procedures of 11 attributes in ${crowd.teams} teams holding ${crowd.processes.toLocaleString('en-US')} processes`;
  const pair = (a: string, c: string) => `${a} / ${c}`;
  const work = table(
    ['workload', 'unit', 'alone', crowded.label, 'ratio', 'p50 ms (alone / +)', 'p99 ms (alone / +)', 'CPU ms/req (alone / +)'],
    evaluation.rows.map((r) => {
      const l = r.latency;
      return [
        r.workload, r.unit, String(r.alone), String(r.crowded), r.ratio.toFixed(2),
        ...(l ? [pair(ms(l.alone.p50Ms), ms(l.crowded.p50Ms)), pair(ms(l.alone.p99Ms), ms(l.crowded.p99Ms)), pair(cpu(l.alone), cpu(l.crowded))] : ['', '', '']),
      ];
    }),
    new Set([2, 3, 4, 5, 6, 7]),
  );
  const word = (pass: boolean) => (run.dialect === 'sqlite' ? (pass ? 'pass' : 'FAIL') : pass ? 'met' : 'missed');
  const targets = table(['check', 'value', 'target', 'result'], evaluation.verdicts.map((v) => [v.check, v.value.toFixed(2), v.target, word(v.pass)]), new Set([1]));
  const notes = [
    `apply of the ${crowd.teams} team files (${crowd.procedures} procedures): ${crowd.applySeconds} s; their ${crowd.processes.toLocaleString('en-US')} processes created in-process in ${crowd.seedSeconds} s (setup, untimed)`,
    `list: ${JSON.stringify(run.listWhere)} limit 50, matching ${alone.listMatches} leads alone and ${crowded.listMatches} beside the others; ` +
      `bulk-create: accepted in ${alone.bulk.acceptSeconds} s / ${crowded.bulk.acceptSeconds} s, entries/s from accept to SUCCESS, one worker`,
    `(+: ${crowded.label}; each pair of figures was measured back to back)`,
    ...(run.dialect === 'sqlite' ? [] : ['(PostgreSQL is reported against the same targets: met / missed)']),
    ...evaluation.problems.map((p) => `FAILED — ${p}`),
  ];
  return [title, ...work, '', ...targets, ...notes].join('\n');
}
