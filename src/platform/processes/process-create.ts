import { AppError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { emptyReferences } from '../attributes/attribute-values.ts';
import { evaluateDerived } from '../procedures/derived-attributes.ts';
import { upsertRecord } from '../records/records.service.ts';
import { mergeData, missingRequired, noProblems, type Problems } from './process-data.ts';
import { readProcessInput, type ProcessInput } from './process-input.ts';
import { resolveReferences } from './process-references.ts';
import { createProcessHistoryRepo, type HistoryEntry } from './process-history.repo.ts';
import { createProcessesRepo, type ProcessRow } from './processes.repo.ts';
import { createSequencesRepo } from './sequences.repo.ts';
import {
  coerceContext, dataTarget, derivedScope, placeRootPrimaryKey, recordTarget, resolveAssignees, type WriteOutcome, type WriterDeps, type WriteScope,
} from './process-writer.ts';
import * as errors from './processes.errors.ts';

interface Prepared {
  index: number;
  input: ProcessInput;
  data: Record<string, unknown>;
  assignedTo: string | null;
}

const refused = (problems: Problems): WriteOutcome => ({ ok: false, error: errors.problemsError(problems)! });
const hasProblems = (problems: Problems): boolean => problems.unknown.length + problems.invalid.length > 0;

/**
 * The one way processes are created (Create Process, Bulk Create, leads from inbound messages):
 * API.md §3's write rules for a batch of bodies, with batched I/O — every body is checked in
 * memory, given primary keys are checked with one query per 500 values, generated keys come
 * from the counter in one statement, and processes and history rows are written with multi-row
 * INSERTs. Outcomes are in body order; a body that breaks a rule gets its error, the others are
 * written. Runs inside the caller's transaction.
 */
export async function createMany(deps: WriterDeps, scope: WriteScope, bodies: readonly unknown[]): Promise<WriteOutcome[]> {
  const outcomes: WriteOutcome[] = new Array(bodies.length);
  const prepared = await prepareAll(deps, scope, bodies, outcomes);
  const keyed = await assignPrimaryKeys(scope, prepared, outcomes);
  const rows: ProcessRow[] = [];
  const history: HistoryEntry[] = [];
  for (const item of keyed) {
    const row = await buildRow(deps, scope, item);
    rows.push(row);
    history.push(historyOf(row, scope, item.data));
    outcomes[item.index] = { ok: true, row };
  }
  await insertAll(scope, rows);
  await createProcessHistoryRepo(scope.tx).appendMany(history);
  return outcomes;
}

/** One create; a broken rule is thrown as its error (400, or 409 for a taken primary key). */
export async function createOne(deps: WriterDeps, scope: WriteScope, body: unknown): Promise<ProcessRow> {
  const [outcome] = await createMany(deps, scope, [body]);
  if (!outcome.ok) throw outcome.error;
  return outcome.row;
}

async function prepareAll(deps: WriterDeps, scope: WriteScope, bodies: readonly unknown[], outcomes: WriteOutcome[]): Promise<Prepared[]> {
  const { tx, team, procedure } = scope;
  const ctx = coerceContext(team);
  const record = recordTarget(procedure);
  const assignees = resolveAssignees(tx, team.id);
  const out: Prepared[] = [];
  for (const [index, body] of bodies.entries()) {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      outcomes[index] = { ok: false, error: new AppError('VALIDATION_FAILED', 400, 'item: expected an object') };
      continue;
    }
    const problems = noProblems();
    const refs = emptyReferences();
    const input = readProcessInput(body as Record<string, unknown>, procedure, 'create', ctx, refs, problems);
    placeRootPrimaryKey(input, procedure, ctx, refs, problems);
    if (input.recordData && record) problems.invalid.push(...missingRequired(record, mergeData({}, input.recordData)));
    if (hasProblems(problems)) {
      outcomes[index] = refused(problems);
      continue;
    }
    const written = [{ changes: input.data, target: dataTarget(procedure) }];
    if (input.recordData && record) written.push({ changes: input.recordData, target: record });
    problems.invalid.push(...(await resolveReferences(tx, team, scope.principal, refs, written, deps.missingPhotoIds)));
    const assignedTo = await assignees(input.assignedTo, problems);
    const data = mergeData({}, input.data);
    problems.invalid.push(...missingData(scope, data));
    if (hasProblems(problems)) {
      outcomes[index] = refused(problems);
      continue;
    }
    out.push({ index, input, data, assignedTo: assignedTo ?? null });
  }
  return out;
}

/** Required attributes without a value; a primary key is missing only if it will not be generated. */
function missingData(scope: WriteScope, data: Record<string, unknown>): string[] {
  const pk = scope.procedure.primaryKey;
  const generated = pk?.autoGenerate && data[pk.shortId] === undefined ? pk.shortId : null;
  const missing = missingRequired(dataTarget(scope.procedure), data).filter((m) => generated === null || m !== `data.${generated}: is required`);
  if (pk && !pk.autoGenerate && data[pk.shortId] === undefined) missing.unshift(`${pk.shortId}: is required (the primary key of procedure '${scope.procedure.shortId}')`);
  return missing;
}

/** Given keys must be free (and unique within the batch, first one wins); missing ones are generated. */
async function assignPrimaryKeys(scope: WriteScope, prepared: Prepared[], outcomes: WriteOutcome[]): Promise<Prepared[]> {
  const { procedure } = scope;
  const pk = procedure.primaryKey;
  if (!pk) return prepared;
  const repo = createProcessesRepo(scope.tx);
  const given = prepared.filter((p) => p.data[pk.shortId] !== undefined);
  const taken = await repo.pkValuesInUse(scope.team.id, procedure.id, given.map((p) => String(p.data[pk.shortId])));
  const out: Prepared[] = [];
  for (const item of prepared) {
    if (item.data[pk.shortId] === undefined) {
      out.push(item);
      continue;
    }
    const value = String(item.data[pk.shortId]);
    if (taken.has(value)) {
      outcomes[item.index] = { ok: false, error: errors.primaryKeyTaken(pk.shortId, value, procedure.shortId) };
      continue;
    }
    taken.add(value);
    out.push(item);
  }
  await generateKeys(scope, out.filter((p) => p.data[pk.shortId] === undefined), taken);
  return out;
}

/** Values taken by hand are skipped, so a generated key never collides with a given one. */
async function generateKeys(scope: WriteScope, needing: Prepared[], taken: Set<string>): Promise<void> {
  const { procedure } = scope;
  const pk = procedure.primaryKey!;
  const auto = pk.autoGenerate!;
  const processes = createProcessesRepo(scope.tx);
  const sequences = createSequencesRepo(scope.tx);
  let pending = needing;
  while (pending.length > 0) {
    const numbers = await sequences.take(scope.team.id, pk.id, pending.length);
    const values = numbers.map((n) => `${auto.prefix}${String(n).padStart(auto.digits, '0')}`);
    const inUse = await processes.pkValuesInUse(scope.team.id, procedure.id, values);
    const next: Prepared[] = [];
    pending.forEach((item, i) => {
      if (inUse.has(values[i]) || taken.has(values[i])) return void next.push(item);
      item.data[pk.shortId] = pk.type === 'integerId' || pk.type === 'integer' ? numbers[i] : values[i];
      taken.add(values[i]);
    });
    pending = next;
  }
}

async function buildRow(deps: WriterDeps, scope: WriteScope, item: Prepared): Promise<ProcessRow> {
  const { tx, team, procedure, principal } = scope;
  const now = deps.clock();
  const status = item.input.status ?? 'OPEN';
  const state = item.input.state ?? (status === 'COMPLETED' ? (procedure.defaultCompletedState ?? procedure.defaultStartState) : procedure.defaultStartState);
  const record = item.input.recordData && procedure.entity ? await upsertRecord(tx, team.id, procedure.entity, item.input.recordData, principal.userId, now) : null;
  const pk = procedure.primaryKey;
  const row: ProcessRow = {
    id: newId(), team_id: team.id, procedure_id: procedure.id, entity_id: procedure.entity?.id ?? null, record_id: record?.id ?? null,
    created_by: principal.userId, assigned_to: item.assignedTo, belongs_to: null, status, state_id: state?.id ?? null,
    next_action_at: item.input.nextActionAt ?? 0, completed_at: status === 'OPEN' ? 0 : now, data: item.data, derived_data: {},
    pk_value: pk ? String(item.data[pk.shortId]) : null, is_deleted: 0, deleted_at: null, created_at: now, updated_at: now,
  };
  if (procedure.derivedAttributes.size > 0) {
    row.derived_data = await evaluateDerived(procedure.derivedAttributes, derivedScope(row, procedure, record), coerceContext(team), deps.logger);
  }
  return row;
}

function historyOf(row: ProcessRow, scope: WriteScope, data: Record<string, unknown>): HistoryEntry {
  const state = row.state_id ? (scope.procedure.statesById.get(row.state_id)?.shortId ?? null) : null;
  return {
    id: newId(), team_id: row.team_id, process_id: row.id, user_id: scope.principal.userId, action: 'create', created_at: row.created_at,
    changes: { status: row.status, state, assignedTo: row.assigned_to, nextActionAt: row.next_action_at, record: row.record_id, data },
  };
}

/**
 * A primary key taken by a concurrent writer between the check and the insert: for one create
 * it is that create's 409; in a batch the whole statement failed, and the caller retries the
 * batch one body at a time (bulk does), which then names the body.
 */
async function insertAll(scope: WriteScope, rows: readonly ProcessRow[]): Promise<void> {
  try {
    await createProcessesRepo(scope.tx).insertMany(scope.procedure.id, rows);
  } catch (error: unknown) {
    const pk = scope.procedure.primaryKey;
    if (rows.length === 1 && pk && scope.tx.dialect.isUniqueViolation(error)) throw errors.primaryKeyTaken(pk.shortId, rows[0].pk_value ?? '', scope.procedure.shortId);
    throw error;
  }
}
