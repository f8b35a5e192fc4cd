import { AppError, isAppError } from '../../shared/errors.ts';
import { createProcessesRepo, type ProcessRow } from './processes.repo.ts';
import { isVisible, visibleUserIds } from './process-visibility.ts';
import { deleteProcess, updateProcess, type WriteOutcome, type WriterDeps, type WriteScope } from './process-writer.ts';
import { batchedWrites, takenKey } from './process-writes.ts';

/** How an update names its process: by id, or by the procedure's primary-key value. */
export type UpdateTarget = { readonly kind: 'id'; readonly id: string } | { readonly kind: 'pk'; readonly value: string };

export interface UpdateItem {
  readonly target: UpdateTarget;
  /** A partial update body (API.md §3, Update Process). */
  readonly change: Record<string, unknown>;
  /** True deletes the process after the change. */
  readonly isDeleted?: boolean;
}

const notFound = (target: UpdateTarget, pkShortId: string | undefined): AppError =>
  new AppError('NOT_FOUND', 404, `process not found (${target.kind === 'id' ? target.id : `${pkShortId} = ${target.value}`})`);

/**
 * Updates for a batch of items, applied in order inside the caller's transaction, each with the
 * rules of Update Process; a process the caller may not see is not found. Outcomes are in item
 * order. Set-based: the batch's processes are read in two statements (by id and by key) up
 * front, each item is applied in memory, and the changed rows and history are written at the
 * end in a few statements (process-writes.ts); an item naming a process that an earlier item
 * renamed or deleted is looked up again once those writes are made. A write failing at the end
 * fails the batch (one item: that item's 409), which bulk then retries item by item.
 */
export async function updateMany(deps: WriterDeps, scope: WriteScope, items: readonly UpdateItem[]): Promise<WriteOutcome[]> {
  const { tx, team, procedure, principal } = scope;
  const repo = createProcessesRepo(tx);
  const writes = batchedWrites(tx, procedure);
  const visible = await visibleUserIds(tx, principal);
  const byId = new Map<string, ProcessRow>();
  const byPk = new Map<string, ProcessRow>();
  const remember = (row: ProcessRow) => {
    byId.set(row.id, row);
    if (row.pk_value !== null) byPk.set(row.pk_value, row);
  };
  const ids = items.filter((i) => i.target.kind === 'id').map((i) => (i.target as { id: string }).id);
  const pks = items.filter((i) => i.target.kind === 'pk').map((i) => (i.target as { value: string }).value);
  for (const row of await repo.findLiveMany(team.id, procedure.id, { ids, pkValues: pks }, { forUpdate: true })) remember(row);
  // Once an item changed a process, later items must see it as changed, not as first read.
  const touched = new Set<string>();

  const locate = async (target: UpdateTarget): Promise<ProcessRow | undefined> => {
    let row = target.kind === 'id' ? byId.get(target.id) : byPk.get(target.value);
    if (row && touched.has(row.id) && target.kind === 'pk' && row.pk_value !== target.value) row = undefined;
    if (!row && touched.size > 0) {
      // A key freed or taken by an earlier item of this batch: read the database as it is now.
      await writes.settle();
      row = target.kind === 'id'
        ? await repo.findLive(team.id, procedure.id, target.id, { forUpdate: true })
        : await repo.findLiveByPk(team.id, procedure.id, target.value, { forUpdate: true });
    }
    return row && row.is_deleted === 0 ? row : undefined;
  };

  const outcomes: WriteOutcome[] = [];
  for (const item of items) {
    const current = await locate(item.target);
    if (!current || !isVisible(current, visible)) {
      outcomes.push({ ok: false, error: notFound(item.target, procedure.primaryKey?.shortId) });
      continue;
    }
    try {
      let row = Object.keys(item.change).length > 0 ? await updateProcess(deps, scope, current, item.change, writes) : current;
      if (item.isDeleted === true) row = await deleteProcess(deps, scope, row, writes);
      if (current.pk_value !== null && byPk.get(current.pk_value) === current) byPk.delete(current.pk_value);
      touched.add(row.id);
      remember(row);
      outcomes.push({ ok: true, row });
    } catch (error: unknown) {
      if (!isAppError(error)) throw error;
      outcomes.push({ ok: false, error });
    }
  }
  try {
    await writes.settle();
  } catch (error: unknown) {
    const only = outcomes.length === 1 && outcomes[0].ok ? outcomes[0].row : null;
    if (only && tx.dialect.isUniqueViolation(error)) return [{ ok: false, error: takenKey(error, tx, procedure, only.pk_value) as AppError }];
    throw error;
  }
  return outcomes;
}
