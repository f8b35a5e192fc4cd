import type { ProcessStatus } from '../../db/schema.ts';
import { describeValue } from '../../shared/errors.ts';
import type { CoerceContext, ValueReferences } from '../attributes/attribute-values.ts';
import type { StateTaskModel } from '../procedures/procedure-model.ts';
import { coerceDataChanges, type Problems } from '../processes/process-data.ts';
import { readEpochMs, readUserReference, STATUSES } from '../processes/process-input.ts';

/** A task body (API.md §4), checked field by field; the assignee is resolved later. */
export interface TaskInput {
  data: Map<string, unknown>;
  status?: ProcessStatus;
  assignedTo?: string | null;
  title?: string;
  description?: string;
  dueBy?: number;
  startsAt?: number;
  endsAt?: number;
}

const FIELDS = new Set(['data', 'status', 'assignedTo', 'title', 'description', 'dueBy', 'startsAt', 'endsAt']);
const MAX_TEXT = 10_000;

export function readTaskInput(
  body: Record<string, unknown>, stateTask: StateTaskModel, mode: 'create' | 'update', ctx: CoerceContext, refs: ValueReferences, problems: Problems,
): TaskInput {
  for (const key of Object.keys(body)) if (!FIELDS.has(key)) problems.invalid.push(`${key}: unknown field`);
  const input: TaskInput = {
    data: coerceDataChanges(body.data, { attributes: stateTask.attributes, owner: `state task '${stateTask.shortId}'`, path: 'data' }, ctx, refs, problems, mode === 'update'),
  };
  if (body.status !== undefined) {
    if (typeof body.status === 'string' && (STATUSES as readonly string[]).includes(body.status)) input.status = body.status as ProcessStatus;
    else problems.invalid.push(`status: expected one of ${STATUSES.join(', ')}, got ${describeValue(body.status)}`);
  }
  if (body.assignedTo !== undefined) input.assignedTo = readUserReference(body.assignedTo, problems);
  for (const field of ['title', 'description'] as const) {
    const value = body[field];
    if (value === undefined) continue;
    if (typeof value === 'string' && value.length <= MAX_TEXT) input[field] = value;
    else problems.invalid.push(`${field}: expected a string of at most ${MAX_TEXT} characters, got ${describeValue(value)}`);
  }
  for (const field of ['dueBy', 'startsAt', 'endsAt'] as const) {
    if (body[field] !== undefined) input[field] = readEpochMs(body[field], field, ctx, problems);
  }
  return input;
}
