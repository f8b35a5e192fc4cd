import type { BulkPhase, BulkRun } from './bulk.ts';
import type { RawInsertResult } from './raw-insert.ts';

/**
 * Issue 5's bulk targets, set for SQLite (the `targeted` configuration): a bulk request is
 * accepted in under 3 s, and bulk-create finishes at no less than a tenth of the rate of a raw
 * multi-row INSERT of the same rows into the same database.
 */
export const BULK_TARGETS = { maxAcceptSeconds: 3, minCreateToRawRatio: 0.1 } as const;

export interface BulkVerdict {
  readonly check: string;
  readonly value: number;
  readonly target: string;
  readonly pass: boolean;
}

export interface BulkEvaluation {
  /** bulk-create entries/s ÷ raw rows/s (primary key only): the target's ratio. */
  readonly createToRaw: number;
  /** The same, counting the accept time too: items / (accept + finish) ÷ raw rows/s. */
  readonly createToRawEndToEnd: number;
  /** bulk-create entries/s ÷ raw rows/s into a table with the processes' secondary indexes. */
  readonly createToRawIndexed: number;
  /** The same, the raw rows committed in batches as the job commits its entries. */
  readonly createToRawIndexedBatched: number;
  readonly verdicts: BulkVerdict[];
  readonly problems: string[];
  /** A target missed on the targeted SQLite configuration, or a verification failed anywhere. */
  readonly failed: boolean;
}

const ratio = (a: number, b: number): number => (b > 0 ? Math.round((a / b) * 1000) / 1000 : 0);

export function evaluateBulk(run: BulkRun): BulkEvaluation {
  const createToRaw = ratio(run.create.entriesPerSecond, run.raw.pkOnly.rowsPerSecond);
  const verdicts: BulkVerdict[] = [
    { check: 'bulk-create accept s', value: run.create.acceptSeconds, target: `< ${BULK_TARGETS.maxAcceptSeconds} s`, pass: run.create.acceptSeconds < BULK_TARGETS.maxAcceptSeconds },
    { check: 'bulk-update accept s', value: run.update.acceptSeconds, target: `< ${BULK_TARGETS.maxAcceptSeconds} s`, pass: run.update.acceptSeconds < BULK_TARGETS.maxAcceptSeconds },
    { check: 'bulk-create ÷ raw rate', value: createToRaw, target: `≥ ${BULK_TARGETS.minCreateToRawRatio}`, pass: createToRaw >= BULK_TARGETS.minCreateToRawRatio },
  ];
  const problems = [...run.create.problems.map((p) => `bulk-create: ${p}`), ...run.update.problems.map((p) => `bulk-update: ${p}`)];
  return {
    createToRaw,
    createToRawEndToEnd: ratio(run.create.endToEndPerSecond, run.raw.pkOnly.rowsPerSecond),
    createToRawIndexed: ratio(run.create.entriesPerSecond, run.raw.withIndexes.rowsPerSecond),
    createToRawIndexedBatched: ratio(run.create.entriesPerSecond, run.raw.withIndexesBatched.rowsPerSecond),
    verdicts,
    problems,
    failed: problems.length > 0 || (run.dialect === 'sqlite' && run.targeted && verdicts.some((v) => !v.pass)),
  };
}

const title = (run: BulkRun): string =>
  `${run.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}, ${run.variant} — bulk ${run.items.toLocaleString('en-US')} items`;

/** Aligned plain-text rows: a header, a rule, the rows; the `numeric` columns right-aligned. */
export function table(header: readonly string[], rows: readonly string[][], numeric: ReadonlySet<number>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (c: readonly string[]) => c.map((v, i) => (numeric.has(i) ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

const cpu = (phase: BulkPhase): string => `${phase.cpuSeconds.accept?.toFixed(1) ?? '?'} + ${phase.cpuSeconds.finish?.toFixed(1) ?? '?'}`;

/** A plain-text table per run: the two bulk jobs, the two raw floors, then the targets. */
export function formatBulkTable(run: BulkRun, evaluation: BulkEvaluation): string {
  const phaseRow = (name: string, p: BulkPhase) => [name, p.acceptSeconds.toFixed(2), p.finishSeconds.toFixed(2), (p.acceptSeconds + p.finishSeconds).toFixed(2), String(p.entriesPerSecond), String(p.endToEndPerSecond), cpu(p)];
  const rawRow = (r: RawInsertResult) => [
    `raw INSERT, ${r.secondaryIndexes === 0 ? 'primary key only' : `+ ${r.secondaryIndexes} indexes`}${r.rowsPerTransaction < r.rows ? `, commit per ${r.rowsPerTransaction}` : ''}`,
    '', '', r.seconds.toFixed(2), String(r.rowsPerSecond), '', '',
  ];
  const work = table(
    ['workload', 'accept s', 'finish s', 'total s', 'per s', 'per s e2e', 'CPU s (accept + finish)'],
    [
      phaseRow('bulk-create', run.create), phaseRow('bulk-update', run.update),
      rawRow(run.raw.pkOnly), rawRow(run.raw.withIndexes), rawRow(run.raw.withIndexesBatched),
    ],
    new Set([1, 2, 3, 4, 5]),
  );
  const verdictWord = (pass: boolean) => (run.dialect === 'sqlite' && run.targeted ? (pass ? 'pass' : 'FAIL') : pass ? 'met' : 'missed');
  const targets = table(['check', 'value', 'target', 'result'], evaluation.verdicts.map((v) => [v.check, String(v.value), v.target, verdictWord(v.pass)]), new Set([1]));
  const notes = [
    `bulk-create ÷ raw: ${evaluation.createToRaw} (counting accept: ${evaluation.createToRawEndToEnd}); vs the raw table with the processes' indexes: ${evaluation.createToRawIndexed}, ` +
      `committing every ${run.raw.withIndexesBatched.rowsPerTransaction}: ${evaluation.createToRawIndexedBatched}`,
    `ids for the update read back through the entries endpoint in ${run.idsSetupSeconds} s (untimed)`,
    ...(run.dialect === 'sqlite' && run.targeted ? [] : ['(targets are set for SQLite with one worker; this configuration is reported beside them: met / missed)']),
    ...evaluation.problems.map((p) => `VERIFICATION FAILED — ${p}`),
  ];
  return [title(run), ...work, '', ...targets, ...notes].join('\n');
}

/** The figures as a Markdown table, one row per run, for the README. */
export function formatBulkMarkdown(runs: readonly { run: BulkRun; evaluation: BulkEvaluation }[]): string {
  const rows = runs.map(({ run, evaluation }) => [
    run.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL', run.variant,
    run.create.acceptSeconds.toFixed(2), run.create.finishSeconds.toFixed(1), String(run.create.entriesPerSecond),
    run.update.acceptSeconds.toFixed(2), run.update.finishSeconds.toFixed(1), String(run.update.entriesPerSecond),
    String(run.raw.pkOnly.rowsPerSecond), evaluation.createToRaw.toFixed(2),
  ]);
  const header = ['database', 'workers', 'create: accept s', 'create: finish s', 'create entries/s', 'update: accept s', 'update: finish s', 'update entries/s', 'raw INSERT rows/s', 'create ÷ raw'];
  return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}
