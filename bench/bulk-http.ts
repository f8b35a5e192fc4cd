import { PROCEDURE } from './seed.ts';

/** The bulk endpoints and the background-job endpoints, as a client sees them (API.md §3, §5). */

/** How often a submitted job is looked at, as a client would poll it. */
const POLL_MS = 200;
/** A job that has not finished by then is reported as stuck. */
const JOB_TIMEOUT_MS = 60 * 60 * 1000;
/** Entry pages (100 entries each) read at once while collecting process ids. */
const PAGE_CONCURRENCY = 4;

export type EntryCounts = Record<'INVALID' | 'NOT_STARTED' | 'IN_PROGRESS' | 'SUCCESS' | 'ERROR' | 'CANCELLED', number>;

export interface JobWire {
  readonly id: string;
  readonly createdAt: number;
  readonly startedAt: number;
  readonly completedAt: number;
  readonly completionStatus: string;
  readonly statusMessage: string | null;
  readonly totalEntries: number;
}

interface Answer {
  readonly _data: unknown;
  readonly _meta: Record<string, unknown>;
}

export async function call(baseUrl: string, token: string, method: string, path: string, body?: string): Promise<Answer> {
  const response = await fetch(baseUrl + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body,
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as Answer;
}

export interface Accepted {
  readonly job: JobWire;
  /** The request's round trip: upload, parse, store the job and its entries, answer. */
  readonly seconds: number;
  /** performance.now() and Date.now() when the answer arrived (finish times count from here). */
  readonly atPerf: number;
  readonly atEpoch: number;
}

/** Sends an already serialized bulk body; only the round trip is timed. */
export async function submit(baseUrl: string, token: string, method: 'POST' | 'PATCH', path: string, body: string): Promise<Accepted> {
  const started = performance.now();
  const answer = await call(baseUrl, token, method, path, body);
  const atPerf = performance.now();
  return { job: answer._data as JobWire, seconds: (atPerf - started) / 1000, atPerf, atEpoch: Date.now() };
}

export interface Finished {
  readonly job: JobWire;
  readonly counts: EntryCounts;
  /** From the accept answer to the poll that first saw the job finished (POLL_MS resolution). */
  readonly polledSeconds: number;
}

/** Polls the job every POLL_MS until it is no longer NOT_STARTED / IN_PROGRESS. */
export async function waitForJob(baseUrl: string, token: string, accepted: Accepted, log: (line: string) => void): Promise<Finished> {
  let lastLog = performance.now();
  for (;;) {
    const answer = await call(baseUrl, token, 'GET', `/v1/ext/background-job/${accepted.job.id}`);
    const job = answer._data as JobWire;
    const counts = answer._meta.bjEntryCompletionStatusVsCount as EntryCounts;
    const now = performance.now();
    if (job.completionStatus !== 'NOT_STARTED' && job.completionStatus !== 'IN_PROGRESS') {
      return { job, counts, polledSeconds: (now - accepted.atPerf) / 1000 };
    }
    if (now - accepted.atPerf > JOB_TIMEOUT_MS) throw new Error(`job ${job.id} not finished after ${JOB_TIMEOUT_MS / 1000} s: ${JSON.stringify(counts)}`);
    if (now - lastLog > 10_000) {
      lastLog = now;
      log(`  … ${counts.SUCCESS + counts.ERROR + counts.INVALID} of ${job.totalEntries} entries done after ${Math.round((now - accepted.atPerf) / 1000)} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** A list's `_meta.total` (Extension `includeTotal`). */
export async function listTotal(baseUrl: string, token: string, where: Record<string, unknown> = {}): Promise<number> {
  const answer = await call(baseUrl, token, 'POST', `/v1/ext/procedure/${PROCEDURE}/process/list`, JSON.stringify({ where, limit: 1, includeTotal: true }));
  return Number(answer._meta.total);
}

/**
 * The process ids of a job's SUCCESS entries (`completionResult.processId`), in entry order, read
 * as a client would: pages of 100 from the entries endpoint, PAGE_CONCURRENCY pages at a time.
 */
export async function successfulProcessIds(baseUrl: string, token: string, jobId: string, expected: number): Promise<string[]> {
  const pages = Math.ceil(expected / 100);
  const ids = new Array<string[]>(pages);
  let next = 0;
  const reader = async () => {
    while (next < pages) {
      const page = next++;
      const answer = await call(baseUrl, token, 'GET', `/v1/ext/background-job/${jobId}/entries?completionStatus=SUCCESS&limit=100&skip=${page * 100}`);
      const entries = answer._data as { completionResult: { processId: string } | null }[];
      ids[page] = entries.map((e) => e.completionResult?.processId ?? '');
    }
  };
  await Promise.all(Array.from({ length: Math.min(PAGE_CONCURRENCY, pages) }, reader));
  return ids.flat();
}
