import type { Db } from '../../db/database.ts';
import { newId } from '../../shared/ids.ts';
import type { EntityModel } from '../procedures/procedure-model.ts';
import { createRecordsRepo, type RecordRow } from './records.repo.ts';

const merged = (current: Readonly<Record<string, unknown>>, changes: ReadonlyMap<string, unknown>): Record<string, unknown> => {
  const next = { ...current };
  for (const [key, value] of changes) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next;
};

/**
 * The record a process is created for (API.md §3): found by the entity's primary key when the
 * entity has one and the data carries it — its data then updated with what was given — otherwise
 * created. A concurrent create of the same record is absorbed: the loser updates the winner's row.
 */
export async function upsertRecord(
  tx: Db, teamId: string, entity: EntityModel, changes: ReadonlyMap<string, unknown>, userId: string, now: number,
): Promise<RecordRow> {
  const repo = createRecordsRepo(tx);
  const pk = entity.primaryKey ? changes.get(entity.primaryKey.shortId) : undefined;
  const pkValue = pk === undefined || pk === null ? null : String(pk);
  const updateExisting = async (existing: RecordRow) => {
    const data = merged(existing.data, changes);
    await repo.updateData(teamId, existing.id, data, now);
    return { ...existing, data, updated_at: now };
  };
  if (pkValue !== null) {
    const existing = await repo.findLiveByPk(teamId, entity.id, pkValue);
    if (existing) return updateExisting(existing);
  }
  const row: RecordRow = {
    id: newId(), team_id: teamId, entity_id: entity.id, data: merged({}, changes), derived_data: {}, pk_value: pkValue,
    created_by: userId, is_deleted: 0, deleted_at: null, created_at: now, updated_at: now,
  };
  if (await repo.insertUnlessPkTaken(row)) return row;
  return updateExisting((await repo.findLiveByPk(teamId, entity.id, pkValue!))!);
}
