import type { Db } from '../../db/database.ts';
import type { Principal } from '../../http/auth.ts';
import { newId } from '../../shared/ids.ts';
import type { Logger } from '../../shared/logger.ts';
import type { Clock } from '../../shared/time.ts';
import { coerceAttributeValue, emptyReferences, type CoerceContext } from '../attributes/attribute-values.ts';
import { evaluateDerived } from '../procedures/derived-attributes.ts';
import type { ProcedureModel, TeamModel } from '../procedures/procedure-model.ts';
import { upsertRecord } from '../records/records.service.ts';
import { createRecordsRepo } from '../records/records.repo.ts';
import { createUsersRepo } from '../users/index.ts';
import { diffData, mergeData, missingRequired, noProblems, type DataTarget, type Problems } from './process-data.ts';
import { readProcessInput, type ProcessInput } from './process-input.ts';
import { resolveReferences, type MissingPhotoIds } from './process-references.ts';
import { createProcessHistoryRepo } from './process-history.repo.ts';
import { createProcessesRepo, type ProcessRow } from './processes.repo.ts';
import { createSequencesRepo } from './sequences.repo.ts';
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

export const coerceContext = (team: TeamModel): CoerceContext => ({ timezone: team.timezone, defaultCountryCode: team.defaultCountryCode });
export const dataTarget = (p: ProcedureModel): DataTarget => ({ attributes: p.attributes, derived: p.derivedAttributes, owner: `procedure '${p.shortId}'`, path: 'data' });

function throwIf(problems: Problems): void {
  const error = errors.problemsError(problems);
  if (error) throw error;
}

/** Creates a process (API.md §3 write rules). Validation problems are all reported at once. */
export async function createProcess(deps: WriterDeps, scope: WriteScope, body: Record<string, unknown>): Promise<ProcessRow> {
  const { tx, team, procedure, principal } = scope;
  const ctx = coerceContext(team);
  const problems = noProblems();
  const refs = emptyReferences();
  const input = readProcessInput(body, procedure, 'create', ctx, refs, problems);
  placeRootPrimaryKey(input, procedure, ctx, refs, problems);
  const recordTarget = procedure.entity ? { attributes: procedure.entity.attributes, owner: `entity '${procedure.entity.shortId}'`, path: 'record.data' } : null;
  if (input.recordData && recordTarget) problems.invalid.push(...missingRequired(recordTarget, mergeData({}, input.recordData)));
  throwIf(problems);

  const written = [{ changes: input.data, target: dataTarget(procedure) }];
  if (input.recordData && recordTarget) written.push({ changes: input.recordData, target: recordTarget });
  problems.invalid.push(...(await resolveReferences(tx, team.id, refs, written, deps.missingPhotoIds)));
  const assignedTo = await resolveAssignee(tx, team.id, input.assignedTo, problems);
  const data = mergeData({}, input.data);
  const pkValue = await primaryKeyForCreate(tx, scope, data, problems);
  problems.invalid.push(...missingRequired(dataTarget(procedure), data));
  throwIf(problems);

  const now = deps.clock();
  const status = input.status ?? 'OPEN';
  const state = input.state ?? (status === 'COMPLETED' ? (procedure.defaultCompletedState ?? procedure.defaultStartState) : procedure.defaultStartState);
  const record = input.recordData && procedure.entity ? await upsertRecord(tx, team.id, procedure.entity, input.recordData, principal.userId, now) : null;
  const row: ProcessRow = {
    id: newId(), team_id: team.id, procedure_id: procedure.id, entity_id: procedure.entity?.id ?? null, record_id: record?.id ?? null,
    created_by: principal.userId, assigned_to: assignedTo ?? null, belongs_to: null, status, state_id: state?.id ?? null,
    next_action_at: input.nextActionAt ?? 0, completed_at: status === 'OPEN' ? 0 : now, data, derived_data: {},
    pk_value: pkValue, is_deleted: 0, deleted_at: null, created_at: now, updated_at: now,
  };
  row.derived_data = await evaluateDerived(procedure.derivedAttributes, derivedScope(row, procedure, record), ctx, deps.logger);
  await insertProcess(tx, row, procedure);
  await createProcessHistoryRepo(tx).append({
    id: newId(), team_id: team.id, process_id: row.id, user_id: principal.userId, action: 'create', created_at: now,
    changes: { status: row.status, state: state?.shortId ?? null, assignedTo: row.assigned_to, nextActionAt: row.next_action_at, record: row.record_id, data },
  });
  return row;
}

/** Applies a partial update (API.md §3). An update that changes nothing writes nothing. */
export async function updateProcess(deps: WriterDeps, scope: WriteScope, current: ProcessRow, body: Record<string, unknown>): Promise<ProcessRow> {
  const { tx, team, procedure, principal } = scope;
  const ctx = coerceContext(team);
  const problems = noProblems();
  const refs = emptyReferences();
  const input = readProcessInput(body, procedure, 'update', ctx, refs, problems);
  throwIf(problems);
  problems.invalid.push(...(await resolveReferences(tx, team.id, refs, [{ changes: input.data, target: dataTarget(procedure) }], deps.missingPhotoIds)));
  const assignedTo = await resolveAssignee(tx, team.id, input.assignedTo, problems);
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
  await updateRow(tx, next, procedure, current);
  await createProcessHistoryRepo(tx).append({ id: newId(), team_id: team.id, process_id: current.id, user_id: principal.userId, action: 'update', created_at: now, changes });
  return next;
}

/** Soft delete: the process leaves fetch and list, and its primary-key value is free again. */
export async function deleteProcess(deps: WriterDeps, scope: WriteScope, current: ProcessRow): Promise<ProcessRow> {
  const now = deps.clock();
  const next: ProcessRow = { ...current, is_deleted: 1, deleted_at: now, updated_at: now };
  await createProcessesRepo(scope.tx).update(scope.team.id, current.id, { is_deleted: 1, deleted_at: now, updated_at: now });
  await createProcessHistoryRepo(scope.tx).append({
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

async function resolveAssignee(tx: Db, teamId: string, reference: string | null | undefined, problems: Problems): Promise<string | null | undefined> {
  if (reference === undefined || reference === null) return reference;
  const user = await createUsersRepo(tx).findByReference(teamId, reference, { activeOnly: true });
  if (!user) problems.invalid.push(`assignedTo: unknown or inactive user "${reference}"`);
  return user?.id;
}

/** The primary-key value of a new process: given, generated (`autoGenerate`), or missing (400). */
async function primaryKeyForCreate(tx: Db, scope: WriteScope, data: Record<string, unknown>, problems: Problems): Promise<string | null> {
  const pk = scope.procedure.primaryKey;
  if (!pk) return null;
  if (data[pk.shortId] !== undefined) {
    const value = String(data[pk.shortId]);
    if (await createProcessesRepo(tx).pkInUse(scope.team.id, scope.procedure.id, value)) throw errors.primaryKeyTaken(pk.shortId, value, scope.procedure.shortId);
    return value;
  }
  if (!pk.autoGenerate) {
    problems.invalid.push(`${pk.shortId}: is required (the primary key of procedure '${scope.procedure.shortId}')`);
    return null;
  }
  // Values taken by hand are skipped, so a generated key never collides with a given one.
  const processes = createProcessesRepo(tx);
  for (;;) {
    const n = await createSequencesRepo(tx).next(scope.team.id, pk.id);
    const value = `${pk.autoGenerate.prefix}${String(n).padStart(pk.autoGenerate.digits, '0')}`;
    if (!(await processes.pkInUse(scope.team.id, scope.procedure.id, value))) {
      data[pk.shortId] = pk.type === 'integerId' || pk.type === 'integer' ? n : value;
      return String(data[pk.shortId]);
    }
  }
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

async function insertProcess(tx: Db, row: ProcessRow, procedure: ProcedureModel): Promise<void> {
  try {
    await createProcessesRepo(tx).insert(row);
  } catch (error: unknown) {
    if (tx.dialect.isUniqueViolation(error) && procedure.primaryKey) throw errors.primaryKeyTaken(procedure.primaryKey.shortId, row.pk_value ?? '', procedure.shortId);
    throw error;
  }
}

/** Writes only the columns that changed: each column set rewrites the index entries holding it. */
async function updateRow(tx: Db, row: ProcessRow, procedure: ProcedureModel, before: ProcessRow): Promise<void> {
  const { id, team_id: teamId } = row;
  const changes: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row) as [keyof ProcessRow, unknown][]) {
    const old = before[column];
    const same = typeof value === 'object' && value !== null ? JSON.stringify(value) === JSON.stringify(old) : value === old;
    if (!same) changes[column] = value;
  }
  try {
    await createProcessesRepo(tx).update(teamId, id, changes as Partial<ProcessRow>);
  } catch (error: unknown) {
    if (tx.dialect.isUniqueViolation(error) && procedure.primaryKey) throw errors.primaryKeyTaken(procedure.primaryKey.shortId, row.pk_value ?? '', procedure.shortId);
    throw error;
  }
}

