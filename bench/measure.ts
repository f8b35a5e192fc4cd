import fs from 'node:fs';
import autocannon from 'autocannon';

/** One kind of request, repeated: `next` gives each request its own path and body. */
export interface Workload {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly next: () => { path: string; body?: string };
  readonly token?: string;
}

export interface RunSettings {
  readonly connections: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
}

export interface Measurement {
  readonly name: string;
  /** Successful (2xx) responses in the measured run. */
  readonly requests: number;
  readonly seconds: number;
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly maxMs: number;
  /**
   * CPU time the server process used per request in the measured run (user + system, all its
   * threads; not the PostgreSQL server's). Unlike req/s it hardly moves when other work shares
   * the machine. null where /proc is not available.
   */
  readonly serverCpuMsPerRequest: number | null;
  /** Responses that were not 2xx, and socket errors or timeouts: any of them fails the workload. */
  readonly non2xx: number;
  readonly errors: number;
  /** The first failing response, to say why. */
  readonly firstFailure?: string;
}

export interface RawRun {
  latencies: number[];
  non2xx: number;
  errors: number;
  seconds: number;
  firstFailure?: string;
}

/**
 * One autocannon run. Latencies are kept here from autocannon's per-response event (fractional
 * milliseconds) rather than read from its histogram, which records whole milliseconds: sub-ms
 * medians would otherwise all read 0 or 1.
 */
export function runOnce(baseUrl: string, workload: Workload, connections: number, seconds: number): Promise<RawRun> {
  const latencies: number[] = [];
  let firstFailure: string | undefined;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (workload.token) headers.authorization = `Bearer ${workload.token}`;
  return new Promise((resolve, reject) => {
    const instance = autocannon({
      url: baseUrl,
      connections,
      duration: seconds,
      timeout: 30,
      headers,
      requests: [{
        method: workload.method,
        setupRequest: (request) => ({ ...request, ...workload.next() }),
        onResponse: (status, body) => {
          if ((status < 200 || status > 299) && firstFailure === undefined) firstFailure = `${status} ${body.slice(0, 300)}`;
        },
      }],
    }, (error, result) => {
      if (error) {
        reject(error);
        return;
      }
      resolve({ latencies, non2xx: result.non2xx, errors: result.errors + result.timeouts, seconds: result.duration, firstFailure });
    });
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode <= 299) latencies.push(responseTime);
    });
  });
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round2 = (value: number): number => Math.round(value * 100) / 100;

/** Linux's clock tick for /proc times (USER_HZ), 100 on every mainstream architecture. */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU milliseconds a process has used so far, or null without /proc. */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/**
 * A warm-up run (discarded: JIT, caches, connection pools), then the measured run. `serverPid`
 * is the process answering, whose CPU time is read around the measured run.
 */
export async function measure(baseUrl: string, workload: Workload, settings: RunSettings, serverPid: number): Promise<Measurement> {
  if (settings.warmupSeconds > 0) await runOnce(baseUrl, workload, settings.connections, settings.warmupSeconds);
  const cpuBefore = processCpuMs(serverPid);
  const run = await runOnce(baseUrl, workload, settings.connections, settings.seconds);
  const cpuAfter = processCpuMs(serverPid);
  return summarize(workload.name, run, cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore);
}

/** A run's figures; `serverCpuMs` is the CPU time the server used during it, when known. */
export function summarize(name: string, run: RawRun, serverCpuMs: number | null): Measurement {
  const answered = run.latencies.length + run.non2xx;
  const sorted = Float64Array.from(run.latencies).sort();
  const sum = run.latencies.reduce((total, value) => total + value, 0);
  return {
    name,
    requests: sorted.length,
    seconds: run.seconds,
    reqPerSec: Math.round(sorted.length / run.seconds),
    p50Ms: round2(percentile(sorted, 50)),
    p99Ms: round2(percentile(sorted, 99)),
    meanMs: round2(sum / Math.max(1, sorted.length)),
    maxMs: round2(sorted.at(-1) ?? NaN),
    serverCpuMsPerRequest: serverCpuMs === null || answered === 0 ? null : Math.round((serverCpuMs / answered) * 1000) / 1000,
    non2xx: run.non2xx,
    errors: run.errors,
    ...(run.firstFailure ? { firstFailure: run.firstFailure } : {}),
  };
}

/** A process's resident memory in MiB (VmRSS), or null without /proc or once it has exited. */
export function processRssMiB(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round((Number(match[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}
