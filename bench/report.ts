import type { Measurement } from './measure.ts';
import type { SuiteResult } from './suite.ts';

/**
 * The targets of the benchmark (set for SQLite on a 2-core machine). Throughput targets are
 * ratios to a baseline measured in the same run, so they mean the same on a faster machine;
 * the list target is an absolute p99.
 */
interface Target {
  readonly workload: string;
  readonly baseline: string;
  readonly minRatio?: number;
  readonly maxP99Ms?: number;
}

const TARGETS: readonly Target[] = [
  { workload: 'create', baseline: 'lean insert', minRatio: 0.5 },
  // Informational: the floor with the same group commit the API's writes get.
  { workload: 'create', baseline: 'lean insert, grouped' },
  { workload: 'fetch', baseline: 'lean select', minRatio: 0.6 },
  // Lists have no lean equivalent: their ratio to the framework's ceiling is shown for scale.
  { workload: 'list equality', baseline: 'bare', maxP99Ms: 20 },
  { workload: 'list range+sort', baseline: 'bare', maxP99Ms: 20 },
];

/** The dialect the targets are set for; the other's figures are reported beside them. */
const TARGET_DIALECT = 'sqlite';

export interface Row {
  readonly workload: string;
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly serverCpuMsPerRequest: number | null;
  readonly baseline: string | null;
  readonly ratio: number | null;
  readonly target: string | null;
  /** pass / fail against the target; null when the workload has none. */
  readonly pass: boolean | null;
  readonly failures: number;
}

export function evaluate(result: SuiteResult): Row[] {
  const byName = new Map<string, Measurement>(result.measurements.map((m) => [m.name, m]));
  const rows: Row[] = result.measurements.map((m) => {
    const target = TARGETS.find((t) => t.workload === m.name);
    const baseline = target ? byName.get(target.baseline) : undefined;
    const ratio = baseline && baseline.reqPerSec > 0 ? Math.round((m.reqPerSec / baseline.reqPerSec) * 100) / 100 : null;
    const failures = m.non2xx + m.errors;
    let pass: boolean | null = null;
    let described: string | null = null;
    if (target?.minRatio !== undefined) {
      described = `ratio ≥ ${target.minRatio}`;
      pass = ratio !== null && ratio >= target.minRatio;
    } else if (target?.maxP99Ms !== undefined) {
      described = `p99 ≤ ${target.maxP99Ms} ms`;
      pass = m.p99Ms <= target.maxP99Ms;
    }
    if (failures > 0) pass = false;
    return { workload: m.name, reqPerSec: m.reqPerSec, p50Ms: m.p50Ms, p99Ms: m.p99Ms, serverCpuMsPerRequest: m.serverCpuMsPerRequest, baseline: target?.baseline ?? null, ratio, target: described, pass, failures };
  });
  // Comparisons shown for information only (no target): a workload against a second baseline.
  for (const extra of TARGETS.filter((t) => t.minRatio === undefined && t.maxP99Ms === undefined)) {
    const m = byName.get(extra.workload);
    const baseline = byName.get(extra.baseline);
    if (!m || !baseline || baseline.reqPerSec <= 0) continue;
    rows.push({
      workload: `${m.name} (vs ${extra.baseline})`, reqPerSec: m.reqPerSec, p50Ms: m.p50Ms, p99Ms: m.p99Ms, serverCpuMsPerRequest: m.serverCpuMsPerRequest,
      baseline: extra.baseline, ratio: Math.round((m.reqPerSec / baseline.reqPerSec) * 100) / 100, target: null, pass: null, failures: 0,
    });
  }
  return rows;
}

function verdict(row: Row, dialect: string): string {
  if (row.failures > 0) return `ERRORS (${row.failures})`;
  if (row.pass === null) return '';
  if (dialect === TARGET_DIALECT) return row.pass ? 'pass' : 'FAIL';
  return row.pass ? 'met' : 'missed';
}

/** A plain-text table, one per database. */
export function formatTable(result: SuiteResult, rows: readonly Row[]): string {
  const header = ['workload', 'req/s', 'p50 ms', 'p99 ms', 'CPU ms/req', 'baseline', 'ratio', 'target', 'result'];
  const cells = rows.map((r) => [
    r.workload, String(r.reqPerSec), r.p50Ms.toFixed(2), r.p99Ms.toFixed(2), r.serverCpuMsPerRequest?.toFixed(3) ?? '', r.baseline ?? '', r.ratio === null ? '' : r.ratio.toFixed(2), r.target ?? '', verdict(r, result.dialect),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const numeric = new Set([1, 2, 3, 4, 6]);
  const line = (c: readonly string[]) => c.map((v, i) => (numeric.has(i) ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  const title = `${result.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} — ${result.processes.toLocaleString('en-US')} processes ` +
    `(seeded in ${result.seed.seconds} s); equality ${JSON.stringify(result.matches.equality.where)} matches ${result.matches.equality.total}, ` +
    `range ${JSON.stringify(result.matches.range.where)} matches ${result.matches.range.total}`;
  const note = result.dialect === TARGET_DIALECT ? '' : '\n(targets are set for SQLite; PostgreSQL is reported beside them: met / missed)';
  return [title, line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + note;
}
