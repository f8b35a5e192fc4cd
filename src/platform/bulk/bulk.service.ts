import type { Db } from '../../db/database.ts';
import type { Principal } from '../../http/auth.ts';
import { badRequest } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import type { Clock } from '../../shared/time.ts';
import { defineJob, type JobEngine } from '../../jobs/index.ts';
import { ROLE_TYPES } from '../../shared/roles.ts';
import { Type, type Static } from 'typebox';
import type { TeamModelCache } from '../procedures/team-model-cache.ts';
import type { ProcedureModel } from '../procedures/procedure-model.ts';
import { countsOf, createBackgroundJobsRepo, toJobWire, type BackgroundJobRow, type EntryInsert } from '../background-jobs/index.ts';
import { primaryKeysOf, storedPrimaryKey } from '../processes/index.ts';
import { isObject, partitionsOf, targetOf, type KeyLinks } from './bulk-items.ts';

/** A partition of a bulk job's entries, applied by one worker at a time; retried up to 25 times. */
export const BULK_PARTITION_JOB = defineJob({
  name: 'bulk.partition',
  queue: 'bulk',
  payload: Type.Object({
    backgroundJobId: Type.String(),
    teamId: Type.String(),
    partition: Type.Integer({ minimum: 0 }),
    principal: Type.Object({
      teamId: Type.String(), keyId: Type.String(), userId: Type.String(), roleId: Type.String(),
      roleType: Type.Enum(ROLE_TYPES),
    }),
  }),
  retry: { attempts: 25 },
});
export type ApiType = 'process:ext-create' | 'process:ext-update';

/** What a partition's engine job needs to apply entries as the caller who submitted them. */
export type PartitionPayload = Static<typeof BULK_PARTITION_JOB.payload>;

export interface BulkDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly models: TeamModelCache;
  readonly engine: Pick<JobEngine, 'enqueue' | 'poke'>;
  readonly maxItems: number;
}

/** Entries per partition before another partition is added; at most 16 share a job. */
const ENTRIES_PER_PARTITION = 2000;
const MAX_PARTITIONS = 16;

/** Bulk Create / Bulk Update: accepted in one transaction, processed by workers (API.md §5). */
export function createBulkService(deps: BulkDeps) {
  const { db, clock, models } = deps;

  function itemsOf(body: unknown, apiType: ApiType): unknown[] {
    const items = Array.isArray(body) ? body : isObject(body) && Array.isArray(body.processes) ? body.processes : null;
    if (items === null) {
      throw badRequest(apiType === 'process:ext-create'
        ? 'Expected an array of processes, or {"processes": [...]}'
        : 'Expected {"processes": [...]} (or an array of items)');
    }
    if (isObject(body)) for (const key of Object.keys(body)) if (key !== 'processes') throw badRequest(`${key}: unknown field`);
    if (items.length === 0) throw badRequest('processes: the list is empty');
    if (items.length > deps.maxItems) throw badRequest(`processes: at most ${deps.maxItems} items per request, got ${items.length}`);
    return items;
  }

  /**
   * With several partitions, updates naming a process by UUID must land where updates naming it
   * by primary key do, and an update giving a process a new key where later ones naming that key
   * do, or they could apply out of request order: look up the current keys, and read new ones as
   * they will be stored.
   */
  async function keyLinks(teamId: string, procedure: ProcedureModel, items: readonly unknown[], apiType: ApiType, partitions: number): Promise<KeyLinks> {
    const pk = procedure.primaryKey;
    if (apiType !== 'process:ext-update' || partitions === 1 || !pk) return {};
    const ids = new Set<string>();
    for (const item of items) {
      const target = targetOf(item, procedure);
      if (target?.kind === 'id') ids.add(target.id);
    }
    const team = await models.get(teamId);
    const storedPk = (value: unknown) => storedPrimaryKey(team, procedure, value);
    return { pkOfId: await primaryKeysOf(db, teamId, procedure.id, [...ids]), storedPk };
  }

  /**
   * Stores the job, one entry per item (multi-row inserts) and one engine job per partition in a
   * single transaction, then answers: accepted work exists exactly when this commits.
   */
  async function accept(principal: Principal, procedureRef: string, items: readonly unknown[], apiType: ApiType, retryOf: string | null = null) {
    const procedure = await models.procedure(principal.teamId, procedureRef);
    const now = clock();
    const partitions = Math.min(MAX_PARTITIONS, Math.max(1, Math.ceil(items.length / ENTRIES_PER_PARTITION)));
    const job: BackgroundJobRow = {
      id: newId(), team_id: principal.teamId, type: 'bulk_api_job', api_type: apiType, procedure_id: procedure.id,
      created_by: principal.userId, completion_status: 'NOT_STARTED', status_message: null, total_entries: items.length,
      partitions, retry_of: retryOf, started_at: 0, completed_at: 0, count_invalid: 0, count_not_started: items.length,
      count_in_progress: 0, count_success: 0, count_error: 0, count_cancelled: 0, created_at: now, updated_at: now,
    };
    const partitionOfItem = partitionsOf(items, procedure, apiType, partitions, await keyLinks(principal.teamId, procedure, items, apiType, partitions));
    const entries: EntryInsert[] = items.map((item, index) => ({
      id: newId(), team_id: principal.teamId, background_job_id: job.id, idx: index,
      partition: partitionOfItem[index], api_data: item,
      validation_status: 'NOT_STARTED', validation_message: '', completion_status: 'NOT_STARTED', completion_message: '',
      process_id: null, created_by: principal.userId, created_at: now, updated_at: now,
    }));
    await db.transaction(async (tx) => {
      const repo = createBackgroundJobsRepo(tx);
      await repo.insertJob(job);
      await repo.insertEntries(entries);
      for (let partition = 0; partition < partitions; partition++) {
        const payload: PartitionPayload = { backgroundJobId: job.id, teamId: principal.teamId, partition, principal };
        await deps.engine.enqueue(tx, BULK_PARTITION_JOB, payload);
      }
    });
    deps.engine.poke();
    return { job: toJobWire(job), meta: { bjEntryCompletionStatusVsCount: countsOf(job) } };
  }

  return {
    accept,
    bulkCreate: (principal: Principal, procedureRef: string, body: unknown) => accept(principal, procedureRef, itemsOf(body, 'process:ext-create'), 'process:ext-create'),
    bulkUpdate: (principal: Principal, procedureRef: string, body: unknown) => accept(principal, procedureRef, itemsOf(body, 'process:ext-update'), 'process:ext-update'),
  };
}

export type BulkService = ReturnType<typeof createBulkService>;
