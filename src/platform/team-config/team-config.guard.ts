import type { Db } from '../../db/database.ts';
import type { OwnerKind } from '../../db/schema.ts';
import { ATTRIBUTE_TYPES, type AttributeTypeName } from '../attributes/attribute-types.ts';
import type { TeamConfigState } from './config-objects.repo.ts';
import type { DesiredRow } from './team-config.plan.ts';
import { createStoredValuesRepo } from './stored-values.repo.ts';
import type { ProcessStorage } from './process-storage.port.ts';
import { ConfigApplyError } from './team-config.errors.ts';

/**
 * CONFIG.md: an apply that would make stored data invalid — changing an attribute's type, or
 * removing an enum option still in use — is refused unless `force`, with the number of affected
 * objects. With `force` the stored values are left as they are (they no longer validate; writes
 * that touch them must send valid values).
 */
export async function guardStoredValues(tx: Db, teamId: string, state: TeamConfigState, desired: readonly DesiredRow[], force: boolean, storage: ProcessStorage): Promise<void> {
  if (force) return;
  const stored = new Map(state.attributes.map((a) => [a.id, a]));
  const values = createStoredValuesRepo(tx, storage.tableOf);
  const problems: string[] = [];
  for (const want of desired.filter((d) => d.table === 'attributes')) {
    const before = stored.get(want.row.id);
    if (!before) continue;
    const owner = { kind: before.owner_kind as OwnerKind, id: before.owner_id };
    const type = want.row.type as AttributeTypeName;
    if (before.type !== type) {
      const n = await values.withValue(teamId, owner.kind, owner.id, before.short_id);
      if (n > 0) problems.push(`${want.label}: changing its type from ${before.type} to ${type} would leave ${n} stored value${n === 1 ? '' : 's'} invalid`);
      continue;
    }
    const wanted = new Set(((JSON.parse(String(want.row.options ?? 'null')) as (string | number)[] | null) ?? []).map(String));
    const removed = ((tx.dialect.readJson(before.options) as (string | number)[] | null) ?? []).filter((o) => !wanted.has(String(o)));
    if (removed.length === 0 || ATTRIBUTE_TYPES[type]?.enumOf === undefined) continue;
    const n = await values.withOneOf(teamId, owner.kind, owner.id, before.short_id, removed, ATTRIBUTE_TYPES[type].multi);
    if (n > 0) problems.push(`${want.label}: removing option${removed.length === 1 ? '' : 's'} ${removed.map((o) => JSON.stringify(o)).join(', ')} would leave ${n} stored value${n === 1 ? '' : 's'} invalid`);
  }
  if (problems.length > 0) {
    throw new ConfigApplyError([...problems, 'Nothing was applied. Apply with --force to make these changes anyway.']);
  }
}
