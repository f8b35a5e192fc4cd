import type { ProcessStatus } from '../../db/schema.ts';
import { describeValue } from '../../shared/errors.ts';
import { instantProblem, readInstant } from '../../shared/time.ts';
import type { CoerceContext, ValueReferences } from '../attributes/attribute-values.ts';
import type { ProcedureModel, StateModel } from '../procedures/procedure-model.ts';
import { coerceDataChanges, type Problems } from './process-data.ts';

export const STATUSES: readonly ProcessStatus[] = ['OPEN', 'COMPLETED', 'CANCELLED'];

/** A create or update body, checked field by field; references still to be resolved. */
export interface ProcessInput {
  status?: ProcessStatus;
  state?: StateModel;
  nextActionAt?: number;
  /** A username, user UUID or email; null unassigns. Resolved against the team's users later. */
  assignedTo?: string | null;
  /** The primary-key value given at the root of a create body (`{"lead_id": "LEAD-1", …}`). */
  rootPrimaryKey?: unknown;
  data: Map<string, unknown>;
  /** `record.data` of a create body; undefined when no record was given. */
  recordData?: Map<string, unknown>;
}

const CREATE_FIELDS = ['data', 'record', 'status', 'state', 'nextActionAt', 'assignedTo'];
const UPDATE_FIELDS = ['data', 'status', 'state', 'nextActionAt', 'assignedTo'];

/**
 * Reads a process body (API.md §3 write rules). Every problem is collected into `problems`;
 * the caller refuses the write when any was found.
 */
export function readProcessInput(
  body: Record<string, unknown>, procedure: ProcedureModel, mode: 'create' | 'update',
  ctx: CoerceContext, refs: ValueReferences, problems: Problems,
): ProcessInput {
  const allowed = new Set(mode === 'create' ? CREATE_FIELDS : UPDATE_FIELDS);
  const pk = procedure.primaryKey?.shortId;
  for (const key of Object.keys(body)) {
    if (!allowed.has(key) && !(mode === 'create' && key === pk)) problems.invalid.push(`${key}: unknown field`);
  }
  const input: ProcessInput = {
    data: coerceDataChanges(body.data, { attributes: procedure.attributes, derived: procedure.derivedAttributes, owner: `procedure '${procedure.shortId}'`, path: 'data' }, ctx, refs, problems, mode === 'update'),
  };
  if (body.status !== undefined) input.status = readStatus(body.status, problems);
  if (body.state !== undefined) input.state = readState(body.state, procedure, problems);
  if (body.nextActionAt !== undefined) input.nextActionAt = readEpochMs(body.nextActionAt, 'nextActionAt', ctx, problems);
  if (body.assignedTo !== undefined) input.assignedTo = readUserReference(body.assignedTo, problems);
  if (mode === 'create' && pk !== undefined && body[pk] !== undefined) input.rootPrimaryKey = body[pk];
  if (mode === 'create' && body.record !== undefined) input.recordData = readRecord(body.record, procedure, ctx, refs, problems);
  return input;
}

function readStatus(value: unknown, problems: Problems): ProcessStatus | undefined {
  if (typeof value === 'string' && (STATUSES as readonly string[]).includes(value)) return value as ProcessStatus;
  problems.invalid.push(`status: expected one of ${STATUSES.join(', ')}, got ${describeValue(value)}`);
  return undefined;
}

function readState(value: unknown, procedure: ProcedureModel, problems: Problems): StateModel | undefined {
  const state = typeof value === 'string' ? (procedure.states.get(value) ?? procedure.statesById.get(value)) : undefined;
  if (!state) problems.invalid.push(`state: unknown state ${describeValue(value)} for procedure '${procedure.shortId}'`);
  return state;
}

/**
 * Epoch ms, a numeric string, or ISO-8601 (read in the team's timezone without an offset), in
 * the years every instant is accepted in; the same message whether a number or a string.
 */
export function readEpochMs(value: unknown, path: string, ctx: CoerceContext, problems: Problems): number | undefined {
  const reading = readInstant(value, ctx.timezone);
  if (reading.ok) return reading.value;
  problems.invalid.push(instantProblem(path, value, reading));
  return undefined;
}

export function readUserReference(value: unknown, problems: Problems, path = 'assignedTo'): string | null | undefined {
  if (value === null || (typeof value === 'string' && value.trim() !== '')) return value === null ? null : value.trim();
  problems.invalid.push(`${path}: expected a username, user UUID or email, got ${describeValue(value)}`);
  return undefined;
}

function readRecord(value: unknown, procedure: ProcedureModel, ctx: CoerceContext, refs: ValueReferences, problems: Problems): Map<string, unknown> | undefined {
  if (!procedure.entity) {
    problems.invalid.push(`record: procedure '${procedure.shortId}' has no entity, so its processes have no record`);
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.invalid.push(`record: expected an object {"data": {…}}, got ${describeValue(value)}`);
    return undefined;
  }
  for (const key of Object.keys(value)) if (key !== 'data') problems.invalid.push(`record.${key}: unknown field`);
  const entity = procedure.entity;
  return coerceDataChanges((value as { data?: unknown }).data ?? {}, { attributes: entity.attributes, owner: `entity '${entity.shortId}'`, path: 'record.data' }, ctx, refs, problems, false);
}
