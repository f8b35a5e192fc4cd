import type { Db } from '../../db/database.ts';
import type { Principal } from '../../http/auth.ts';
import { isUuid } from '../../shared/ids.ts';
import type { ValueReferences } from '../attributes/attribute-values.ts';
import { createUsersRepo } from '../users/index.ts';
import { createRecordsRepo } from '../records/records.repo.ts';
import type { TeamModel } from '../procedures/procedure-model.ts';
import type { DataTarget } from './process-data.ts';
import { createProcessesRepo } from './processes.repo.ts';
import { createTasksRepo } from '../tasks/tasks.repo.ts';

/** How photo ids are checked: through the photos capability (photos.service.ts). */
export type MissingPhotoIds = (principal: Principal, ids: readonly string[], tx: Db) => Promise<string[]>;

/**
 * Checks that every object a written value points at exists in the caller's team, and turns
 * usernames written into `user` attributes into user UUIDs. Returns the problems found.
 */
export async function resolveReferences(
  tx: Db, team: TeamModel, principal: Principal, refs: ValueReferences, written: readonly { changes: Map<string, unknown>; target: DataTarget }[],
  missingPhotoIds: MissingPhotoIds,
): Promise<string[]> {
  const problems: string[] = [];
  const teamId = team.id;
  const users = createUsersRepo(tx);
  const byName = await users.idsByUsername(teamId, [...new Set(refs.usernames)]);
  for (const { changes, target } of written) {
    for (const [key, value] of changes) {
      if (target.attributes.get(key)?.type !== 'user' || typeof value !== 'string' || isUuid(value)) continue;
      const id = byName.get(value);
      if (id) changes.set(key, id);
      else problems.push(`${target.path}.${key}: unknown user "${value}"`);
    }
  }
  const where = pathsById(written);
  const unknown = async (kind: string, ids: string[], existing: (ids: string[]) => Promise<Set<string>>) => {
    const wanted = [...new Set(ids)];
    const found = wanted.length === 0 ? new Set<string>() : await existing(wanted);
    for (const id of wanted) if (!found.has(id)) problems.push(`${where.get(id) ?? 'data'}: unknown ${kind} "${id}" (not an object of this team)`);
  };
  await unknown('user', refs.users, (ids) => users.existingIds(teamId, ids));
  await unknown('process', refs.processes, (ids) => createProcessesRepo(tx).existingIds(teamId, procedureIdsOf(team), ids));
  await unknown('record', refs.records, (ids) => createRecordsRepo(tx).existingIds(teamId, ids));
  await unknown('task', refs.tasks, (ids) => createTasksRepo(tx).existingIds(teamId, ids));
  await unknown('photo', refs.photos, async (ids) => {
    const missing = new Set(await missingPhotoIds(principal, ids, tx));
    return new Set(ids.filter((id) => !missing.has(id)));
  });
  return problems;
}

/** Each of the team's procedures once (the model lists each under its shortId and its id). */
const procedureIdsOf = (team: TeamModel): string[] => [...new Set([...team.procedures.values()].map((p) => p.id))];

/** Which attribute each referenced id was written into, so messages can name the field. */
function pathsById(written: readonly { changes: Map<string, unknown>; target: DataTarget }[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const { changes, target } of written) {
    for (const [key, value] of changes) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (typeof item === 'string' && !out.has(item.toLowerCase())) out.set(item.toLowerCase(), `${target.path}.${key}`);
      }
    }
  }
  return out;
}
