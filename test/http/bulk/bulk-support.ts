import assert from 'node:assert/strict';
import type { Runtime } from '../../../src/runtime.ts';
import { dataOf, type Client } from '../../support/processes.ts';

/** The bulk endpoints of the demo `lead` procedure (API.md §3 rows 8–9). */
export const BULK_CREATE = '/v1/ext/procedure/lead/process/bulk-create';
export const BULK_UPDATE = '/v1/ext/procedure/lead/process';
export const JOBS = '/v1/ext/background-job';

/** Every key of the job object (API.md §5), plus the `retryOf` extension. */
export const JOB_KEYS = [
  'id', 'createdAt', 'updatedAt', 'startedAt', 'completedAt', 'completionStatus', 'statusMessage', 'team', 'type', 'createdBy',
  'apiType', 'procedure', 'totalEntries', 'retryOf',
].sort();

/** Every key of the entry object (API.md §5, the seed's shape). */
export const ENTRY_KEYS = [
  'id', 'createdAt', 'updatedAt', 'data', 'validationStatus', 'validationMessage', 'validationResult', 'completionStatus',
  'completionMessage', 'completionResult', 'team', 'backgroundJob', 'createdBy', 'index',
].sort();

export const ENTRY_STATUSES = ['INVALID', 'NOT_STARTED', 'IN_PROGRESS', 'SUCCESS', 'ERROR', 'CANCELLED'] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];

/** Six counts with the given ones set, the others zero, as `bjEntryCompletionStatusVsCount` shows them. */
export function counts(given: Partial<Record<EntryStatus, number>>): Record<EntryStatus, number> {
  return Object.fromEntries(ENTRY_STATUSES.map((s) => [s, given[s] ?? 0])) as Record<EntryStatus, number>;
}

/**
 * Runs the workers until the queue is empty: the test server runs none by itself. Bounded, so a
 * job that never finishes fails the test instead of hanging it.
 */
export async function drain(runtime: Runtime, maxRounds = 100): Promise<number> {
  let rounds = 0;
  while ((await runtime.engine.runOnce()) > 0) {
    rounds++;
    assert.ok(rounds < maxRounds, `the queue did not empty after ${maxRounds} rounds`);
  }
  return rounds;
}

/** Submits a bulk request that must be accepted and answers `{job, counts}`. */
export async function submit(c: Client, method: 'POST' | 'PATCH', path: string, body: unknown): Promise<{ job: any; counts: any }> {
  const res = await c.send(method, path, { json: body });
  const job = dataOf(res);
  return { job, counts: res.body._meta.bjEntryCompletionStatusVsCount };
}

/** Fetch Background Job: `{job, counts}` (it must be found). */
export async function fetchJob(c: Client, id: string): Promise<{ job: any; counts: any }> {
  const res = await c.get(`${JOBS}/${id}`);
  return { job: dataOf(res), counts: res.body._meta.bjEntryCompletionStatusVsCount };
}

/** Every entry of a job in index order, walking the pages through `_meta.next`. */
export async function allEntries(c: Client, id: string, query = ''): Promise<any[]> {
  const out: any[] = [];
  let path: string | null = `${JOBS}/${id}/entries${query}`;
  while (path !== null) {
    const res = await c.get(path);
    out.push(...dataOf(res));
    path = res.body._meta.next;
  }
  return out;
}

/** `n` valid create bodies for the demo lead procedure, with primary keys `<prefix>-<i>`. */
export function leads(n: number, prefix: string, extra: (i: number) => Record<string, unknown> = () => ({})): unknown[] {
  return Array.from({ length: n }, (_, i) => ({ lead_id: `${prefix}-${i}`, data: { first_name: `Lead ${i}`, ...extra(i) } }));
}

/** The entries' statuses counted in the database itself, to check the job's counters against. */
export async function countedInDatabase(runtime: Runtime, jobId: string): Promise<Record<EntryStatus, number>> {
  const rows = await runtime.db.kysely.selectFrom('background_job_entries')
    .select((eb) => ['completion_status', eb.fn.countAll<number>().as('n')])
    .where('background_job_id', '=', jobId).groupBy('completion_status').execute();
  return counts(Object.fromEntries(rows.map((r) => [r.completion_status, Number(r.n)])));
}

/** How many live leads the caller can list. */
export async function countLeads(c: Client): Promise<number> {
  const res = await c.post('/v1/ext/procedure/lead/process/list', { includeTotal: true, limit: 1 });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body._meta.total;
}
