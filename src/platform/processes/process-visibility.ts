import type { Db } from '../../db/database.ts';
import type { Principal } from '../../http/auth.ts';
import { createUsersRepo } from '../users/index.ts';

/**
 * USER-role keys see only processes assigned to or created by their user or anyone reporting to
 * that user, directly or down the chain (API.md §1). Returns those user ids, or null when the
 * caller sees everything (ADMIN, MANAGER).
 */
export async function visibleUserIds(db: Db, principal: Principal): Promise<string[] | null> {
  if (principal.roleType !== 'USER') return null;
  const links = await createUsersRepo(db).managerLinks(principal.teamId);
  const reportsOf = new Map<string, string[]>();
  for (const { id, manager_id } of links) {
    if (manager_id) reportsOf.set(manager_id, [...(reportsOf.get(manager_id) ?? []), id]);
  }
  const seen = new Set([principal.userId]);
  const queue = [principal.userId];
  while (queue.length > 0) {
    for (const reportee of reportsOf.get(queue.pop()!) ?? []) {
      if (!seen.has(reportee)) {
        seen.add(reportee);
        queue.push(reportee);
      }
    }
  }
  return [...seen];
}

export function isVisible(row: { assigned_to: string | null; created_by: string | null }, visible: readonly string[] | null): boolean {
  if (visible === null) return true;
  return (row.assigned_to !== null && visible.includes(row.assigned_to)) || (row.created_by !== null && visible.includes(row.created_by));
}
