import { describeValue } from '../../shared/errors.ts';
import { isUuid } from '../../shared/ids.ts';
import { instantProblem, readInstant } from '../../shared/time.ts';
import type { AttributeModel, ProcedureModel } from '../procedures/procedure-model.ts';
import type { Scalar, WhereContext } from './where.types.ts';

/**
 * Turns one right-hand-side value into the form it is stored in, per field. Each failure carries
 * a complete message that names the value's path in the query.
 */
export type Converted = { ok: true; value: Scalar } | { ok: false; message: string };

const ok = (value: Scalar): Converted => ({ ok: true, value });
const fail = (path: string, problem: string): Converted => ({ ok: false, message: `${path}: ${problem}` });

export const PROCESS_STATUSES: readonly string[] = ['OPEN', 'COMPLETED', 'CANCELLED'];

export function isScalar(value: unknown): value is Scalar {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

export function convertStatus(value: Scalar, path: string): Converted {
  if (typeof value === 'string' && PROCESS_STATUSES.includes(value)) return ok(value);
  return fail(path, `expected one of ${PROCESS_STATUSES.join(', ')}, got ${describeValue(value)}`);
}

/** A state shortId becomes the state's id; the id itself is accepted too, as processes show it. */
export function convertState(procedure: ProcedureModel, value: Scalar, path: string): Converted {
  const state = typeof value === 'string' ? (procedure.states.get(value) ?? procedure.statesById.get(value)) : undefined;
  if (state) return ok(state.id);
  return fail(path, `unknown state ${describeValue(value)} for procedure '${procedure.shortId}'`);
}

/** Root epoch-ms fields are read as every written instant is, range included. */
export function convertTimestamp(value: Scalar, timezone: string, path: string): Converted {
  const reading = readInstant(value, timezone);
  return reading.ok ? ok(reading.value) : { ok: false, message: instantProblem(path, value, reading) };
}

export async function convertUser(ctx: WhereContext, value: Scalar, path: string): Promise<Converted> {
  if (typeof value !== 'string' || value === '') {
    return fail(path, `expected a username or user UUID, got ${describeValue(value)}`);
  }
  const userId = await ctx.resolveUser(value);
  return userId === null ? fail(path, `unknown user ${describeValue(value)}`) : ok(userId);
}

export function convertId(value: Scalar, path: string): Converted {
  // Ids are stored in the lower-case form the server generates.
  if (isUuid(value)) return ok(value.toLowerCase());
  return fail(path, `expected a UUID, got ${describeValue(value)}`);
}

/**
 * Coerces through the injected attribute coercion. A multi-valued attribute is compared one
 * element at a time ("contains"), so a single value is coerced and, if the coercion returns it
 * as a one-item list, unwrapped. A `user` attribute stores user UUIDs, so a username (or UUID)
 * is resolved to the user's id, as the root `assignedTo` is.
 */
export async function convertAttribute(
  ctx: WhereContext,
  attribute: AttributeModel,
  multi: boolean,
  value: Scalar,
  path: string,
): Promise<Converted> {
  const result = ctx.coerceAttribute(attribute, value, path);
  if (!result.ok) {
    // The coercion is told the path; prefix it only if its message leaves it out.
    return { ok: false, message: result.message.includes(path) ? result.message : `${path}: ${result.message}` };
  }
  const stored = multi && Array.isArray(result.value) && result.value.length === 1 ? result.value[0] : result.value;
  if (attribute.type === 'user' && typeof stored === 'string') return convertUser(ctx, stored, path);
  if (isScalar(stored)) return ok(stored);
  return fail(path, `${describeValue(value)} cannot be compared with attribute '${attribute.shortId}'`);
}
