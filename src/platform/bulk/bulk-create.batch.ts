import type { Db } from '../../db/database.ts';
import { newId } from '../../shared/ids.ts';
import { emptyReferences } from '../attributes/attribute-values.ts';
import { evaluateDerived } from '../procedures/derived-attributes.ts';
import type { ProcedureModel } from '../procedures/procedure-model.ts';
import { upsertRecord } from '../records/records.service.ts';
import { createUsersRepo } from '../users/index.ts';
import { mergeData, missingRequired, noProblems, type Problems } from '../processes/process-data.ts';
import { readProcessInput, type ProcessInput } from '../processes/process-input.ts';
import { resolveReferences } from '../processes/process-references.ts';
import { coerceContext, dataTarget, derivedScope, placeRootPrimaryKey, type WriterDeps, type WriteScope } from '../processes/process-writer.ts';
import { createProcessHistoryRepo, type HistoryEntry } from '../processes/process-history.repo.ts';
import { createProcessesRepo, type ProcessRow } from '../processes/processes.repo.ts';
import { createSequencesRepo } from '../processes/sequences.repo.ts';
import type { EntryResult, EntryRow } from '../background-jobs/background-jobs.repo.ts';

interface Prepared {
  entry: EntryRow;
  input: ProcessInput;
  data: Record<string, unknown>;
  assignedTo: string | null;
}

const describe = (p: Problems): string => [...p.unknown, ...p.invalid].join('; ');
const invalid = (entry: EntryRow, message: string): EntryResult => ({ id: entry.id, completion_status: 'INVALID', validation_status: 'ERROR', validation_message: message, completion_message: '', process_id: null });
const failed = (entry: EntryRow, message: string): EntryResult => ({ id: entry.id, completion_status: 'ERROR', validation_status: 'SUCCESS', validation_message: '', completion_message: message, process_id: null });

/**
 * Bulk Create for a batch of entries, with the same rules as Create Process but batched I/O:
 * every item is checked in memory, primary keys are checked with one query per 500 values,
 * generated keys are taken from the counter in one statement, and processes and history rows
 * are written with multi-row INSERTs. Results are in entry order.
 */
export async function createProcessesBatch(deps: WriterDeps, scope: WriteScope, entries: readonly EntryRow[]): Promise<EntryResult[]> {
  const results = new Map<string, EntryResult>();
  const prepared = await prepareAll(deps, scope, entries, results);
  const survivors = await assignPrimaryKeys(scope, prepared, results);
  const rows: ProcessRow[] = [];
  const history: HistoryEntry[] = [];
  for (const item of survivors) {
    const missing = missingRequired(dataTarget(scope.procedure), item.data);
    if (missing.length > 0) {
      results.set(item.entry.id, invalid(item.entry, missing.join('; ')));
      continue;
    }
    const row = await buildRow(deps, scope, item);
    rows.push(row);
    history.push(historyOf(row, scope, item.data));
    results.set(item.entry.id, { id: item.entry.id, completion_status: 'SUCCESS', validation_status: 'SUCCESS', validation_message: '', completion_message: '', process_id: row.id });
  }
  await createProcessesRepo(scope.tx).insertMany(rows);
  await createProcessHistoryRepo(scope.tx).appendMany(history);
  return entries.map((e) => results.get(e.id)!);
}

async function prepareAll(deps: WriterDeps, scope: WriteScope, entries: readonly EntryRow[], results: Map<string, EntryResult>): Promise<Prepared[]> {
  const { tx, team, procedure } = scope;
  const ctx = coerceContext(team);
  const assignees = new Map<string, string | null>();
  const out: Prepared[] = [];
  for (const entry of entries) {
    const body = entry.api_data;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      results.set(entry.id, invalid(entry, 'item: expected an object'));
      continue;
    }
    const problems = noProblems();
    const refs = emptyReferences();
    const input = readProcessInput(body as Record<string, unknown>, procedure, 'create', ctx, refs, problems);
    placeRootPrimaryKey(input, procedure, ctx, refs, problems);
    const recordTarget = procedure.entity ? { attributes: procedure.entity.attributes, owner: `entity '${procedure.entity.shortId}'`, path: 'record.data' } : null;
    if (input.recordData && recordTarget) problems.invalid.push(...missingRequired(recordTarget, mergeData({}, input.recordData)));
    if (problems.unknown.length + problems.invalid.length === 0) {
      const written = [{ changes: input.data, target: dataTarget(procedure) }];
      if (input.recordData && recordTarget) written.push({ changes: input.recordData, target: recordTarget });
      problems.invalid.push(...(await resolveReferences(tx, team.id, refs, written, deps.missingPhotoIds)));
    }
    const assignedTo = await assignee(tx, team.id, input.assignedTo, assignees, problems);
    if (problems.unknown.length + problems.invalid.length > 0) {
      results.set(entry.id, invalid(entry, describe(problems)));
      continue;
    }
    out.push({ entry, input, data: mergeData({}, input.data), assignedTo });
  }
  return out;
}

async function assignee(tx: Db, teamId: string, reference: string | null | undefined, cache: Map<string, string | null>, problems: Problems): Promise<string | null> {
  if (reference === undefined || reference === null) return null;
  if (!cache.has(reference)) cache.set(reference, (await createUsersRepo(tx).findByReference(teamId, reference, { activeOnly: true }))?.id ?? null);
  const id = cache.get(reference) ?? null;
  if (id === null) problems.invalid.push(`assignedTo: unknown or inactive user "${reference}"`);
  return id;
}

/** Given keys must be free (and unique within the batch, first one wins); missing ones are generated. */
async function assignPrimaryKeys(scope: WriteScope, prepared: Prepared[], results: Map<string, EntryResult>): Promise<Prepared[]> {
  const pk = scope.procedure.primaryKey;
  if (!pk) return prepared;
  const repo = createProcessesRepo(scope.tx);
  const given = prepared.filter((p) => p.data[pk.shortId] !== undefined);
  const taken = await repo.pkValuesInUse(scope.team.id, scope.procedure.id, given.map((p) => String(p.data[pk.shortId])));
  const out: Prepared[] = [];
  for (const item of prepared) {
    if (item.data[pk.shortId] === undefined) {
      if (!pk.autoGenerate) results.set(item.entry.id, invalid(item.entry, `${pk.shortId}: is required (the primary key of procedure '${scope.procedure.shortId}')`));
      else out.push(item);
      continue;
    }
    const value = String(item.data[pk.shortId]);
    if (taken.has(value)) {
      results.set(item.entry.id, failed(item.entry, `${pk.shortId}: "${value}" is already used by another process of procedure '${scope.procedure.shortId}'`));
      continue;
    }
    taken.add(value);
    out.push(item);
  }
  const needing = out.filter((p) => p.data[pk.shortId] === undefined);
  await generateKeys(scope, scope.procedure, needing, taken);
  return out;
}

async function generateKeys(scope: WriteScope, procedure: ProcedureModel, needing: Prepared[], taken: Set<string>): Promise<void> {
  const pk = procedure.primaryKey!;
  const auto = pk.autoGenerate!;
  const processes = createProcessesRepo(scope.tx);
  const sequences = createSequencesRepo(scope.tx);
  let pending = needing;
  while (pending.length > 0) {
    const numbers = await sequences.take(scope.team.id, pk.id, pending.length);
    const values = numbers.map((n) => `${auto.prefix}${String(n).padStart(auto.digits, '0')}`);
    // Values someone chose by hand are skipped, as in Create Process.
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
