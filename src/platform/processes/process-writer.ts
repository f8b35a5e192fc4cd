import type { Db } from '../../db/database.ts';
import type { Principal } from '../../http/auth.ts';
import type { AppError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import type { Logger } from '../../shared/logger.ts';
import type { Clock } from '../../shared/time.ts';
import { coerceAttributeValue, emptyReferences, type CoerceContext } from '../attributes/attribute-values.ts';
import { evaluateDerived } from '../procedures/derived-attributes.ts';
import type { ProcedureModel, TeamModel } from '../procedures/procedure-model.ts';
import { createRecordsRepo } from '../records/records.repo.ts';
import { createUsersRepo } from '../users/index.ts';
import { diffData, mergeData, missingRequired, noProblems, type DataTarget, type Problems } from './process-data.ts';
import { readProcessInput, type ProcessInput } from './process-input.ts';
import { resolveReferences, type MissingPhotoIds } from './process-references.ts';
import { createProcessesRepo, type ProcessRow } from './processes.repo.ts';
import { immediateWrites, type ProcessWrites } from './process-writes.ts';
import * as errors from './processes.errors.ts';

export interface WriterDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly missingPhotoIds: MissingPhotoIds;
}

/** One write, inside the caller's transaction. */
export interface WriteScope {
  readonly tx: Db;
  readonly team: TeamModel;
  readonly procedure: ProcedureModel;
  readonly principal: Principal;
}

/** What a write of one item came to: the written row, or the rule it broke (400, or 409 for a taken key). */
export type WriteOutcome = { readonly ok: true; readonly row: ProcessRow } | { readonly ok: false; readonly error: AppError };

export const coerceContext = (team: TeamModel): CoerceContext => ({ timezone: team.timezone, defaultCountryCode: team.defaultCountryCode });
export const dataTarget = (p: ProcedureModel): DataTarget => ({ attributes: p.attributes, derived: p.derivedAttributes, owner: `procedure '${p.shortId}'`, path: 'data' });
export const recordTarget = (p: ProcedureModel): DataTarget | null =>
  p.entity ? { attributes: p.entity.attributes, owner: `entity '${p.entity.shortId}'`, path: 'record.data' } : null;

function throwIf(problems: Problems): void {
  const error = errors.problemsError(problems);
  if (error) throw error;
}

/** Applies a partial update (API.md §3). An update that changes nothing writes nothing. */
export async function updateProcess(
  deps: WriterDeps, scope: WriteScope, current: ProcessRow, body: Record<string, unknown>, writes: ProcessWrites = immediateWrites(scope.tx, scope.procedure),
): Promise<ProcessRow> {
  const { tx, team, procedure, principal } = scope;
  const ctx = coerceContext(team);
  const problems = noProblems();
  const refs = emptyReferences();
  const input = readProcessInput(body, procedure, 'update', ctx, refs, problems);
  throwIf(problems);
  // These rules read the database: it must show the batch's earlier writes.
  const pk = procedure.primaryKey?.shortId;
  if (refs.processes.length > 0 || (pk !== undefined && input.data.has(pk))) await writes.settle();
  problems.invalid.push(...(await resolveReferences(tx, team, principal, refs, [{ changes: input.data, target: dataTarget(procedure) }], deps.missingPhotoIds)));
  const assignedTo = await resolveAssignees(tx, team.id)(input.assignedTo, problems);
  const data = mergeData(current.data, input.data);
  const pkValue = await primaryKeyForUpdate(tx, scope, current, data, problems);
  problems.invalid.push(...missingRequired(dataTarget(procedure), data));
  throwIf(problems);

  const now = deps.clock();
  const next: ProcessRow = { ...current, data, pk_value: pkValue };
  if (assignedTo !== undefined) next.assigned_to = assignedTo;
  if (input.nextActionAt !== undefined) next.next_action_at = input.nextActionAt;
  applyStatus(next, current, input, procedure, now);
  const record = current.record_id ? await createRecordsRepo(tx).findById(team.id, current.record_id) : undefined;
  next.derived_data = await evaluateDerived(procedure.derivedAttributes, derivedScope(next, procedure, record ?? null), ctx, deps.logger);

  const changes = describeChanges(current, next, procedure);
  if (Object.keys(changes).length === 0) return current;
  next.updated_at = now;
  await writes.change(next, current);
  await writes.history({ id: newId(), team_id: team.id, process_id: current.id, user_id: principal.userId, action: 'update', created_at: now, changes });
  return next;
}

/** Soft delete: the process leaves fetch and list, and its primary-key value is free again. */
export async function deleteProcess(
  deps: WriterDeps, scope: WriteScope, current: ProcessRow, writes: ProcessWrites = immediateWrites(scope.tx, scope.procedure),
): Promise<ProcessRow> {
  const now = deps.clock();
  const next: ProcessRow = { ...current, is_deleted: 1, deleted_at: now, updated_at: now };
  await writes.change(next, current);
  await writes.history({
    id: newId(), team_id: scope.team.id, process_id: current.id, user_id: scope.principal.userId, action: 'delete', created_at: now, changes: { isDeleted: { from: false, to: true } },
  });
  return next;
}

export function placeRootPrimaryKey(input: ProcessInput, procedure: ProcedureModel, ctx: CoerceContext, refs: ReturnType<typeof emptyReferences>, problems: Problems): void {
  const pk = procedure.primaryKey;
  if (!pk || input.rootPrimaryKey === undefined || input.rootPrimaryKey === null) return;
  const result = coerceAttributeValue(pk, input.rootPrimaryKey, pk.shortId, ctx, refs);
  if (!result.ok) {
    problems.invalid.push(result.message);
    return;
  }
  const inData = input.data.get(pk.shortId);
  if (inData !== undefined && inData !== null && JSON.stringify(inData) !== JSON.stringify(result.value)) {
    problems.invalid.push(`${pk.shortId}: given at the root (${JSON.stringify(result.value)}) and in data (${JSON.stringify(inData)}) with different values`);
    return;
  }
  input.data.set(pk.shortId, result.value);
}

/**
 * Resolves `assignedTo` references (username, user UUID or email) to active users of the team,
 * each distinct reference once per resolver; an unknown one is a problem of the write.
 */
export function resolveAssignees(tx: Db, teamId: string) {
  const cache = new Map<string, string | null>();
  return async (reference: string | null | undefined, problems: Problems): Promise<string | null | undefined> => {
    if (reference === undefined || reference === null) return reference;
    if (!cache.has(reference)) cache.set(reference, (await createUsersRepo(tx).findByReference(teamId, reference, { activeOnly: true }))?.id ?? null);
    const id = cache.get(reference) ?? null;
    if (id === null) problems.invalid.push(`assignedTo: unknown or inactive user "${reference}"`);
    return id ?? undefined;
  };
}

async function primaryKeyForUpdate(tx: Db, scope: WriteScope, current: ProcessRow, data: Record<string, unknown>, problems: Problems): Promise<string | null> {
  const pk = scope.procedure.primaryKey;
  if (!pk) return current.pk_value;
  if (data[pk.shortId] === undefined) {
    problems.invalid.push(`data.${pk.shortId}: the primary key cannot be removed`);
    return current.pk_value;
  }
  const value = String(data[pk.shortId]);
  if (value !== current.pk_value && (await createProcessesRepo(tx).pkInUse(scope.team.id, scope.procedure.id, value))) {
    throw errors.primaryKeyTaken(pk.shortId, value, scope.procedure.shortId);
  }
  return value;
}

/** COMPLETED/CANCELLED stamp completedAt; reopening clears it; completing moves to the completed state. */
function applyStatus(next: ProcessRow, current: ProcessRow, input: ProcessInput, procedure: ProcedureModel, now: number): void {
  if (input.state) next.state_id = input.state.id;
  if (input.status === undefined || input.status === current.status) return;
  next.status = input.status;
  next.completed_at = input.status === 'OPEN' ? 0 : now;
  if (input.status === 'COMPLETED' && !input.state && procedure.defaultCompletedState) next.state_id = procedure.defaultCompletedState.id;
}

function describeChanges(before: ProcessRow, after: ProcessRow, procedure: ProcedureModel): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  const stateName = (id: string | null) => (id === null ? null : (procedure.statesById.get(id)?.shortId ?? id));
  const root: [string, unknown, unknown][] = [
    ['status', before.status, after.status],
    ['state', stateName(before.state_id), stateName(after.state_id)],
    ['assignedTo', before.assigned_to, after.assigned_to],
    ['nextActionAt', before.next_action_at, after.next_action_at],
  ];
  for (const [field, from, to] of root) if (from !== to) changes[field] = { from, to };
  const data = diffData(before.data, after.data);
  if (Object.keys(data).length > 0) changes.data = data;
  return changes;
}

export function derivedScope(row: ProcessRow, procedure: ProcedureModel, record: { id: string; data: Record<string, unknown> } | null) {
  return {
    data: row.data,
    record: record ? { id: record.id, data: record.data } : null,
    process: {
      id: row.id, status: row.status, state: row.state_id ? (procedure.statesById.get(row.state_id)?.shortId ?? null) : null,
      assignedTo: row.assigned_to, createdBy: row.created_by, createdAt: row.created_at, updatedAt: row.updated_at,
      nextActionAt: row.next_action_at, completedAt: row.completed_at,
    },
  };
}
