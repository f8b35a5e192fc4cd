import type { Db } from '../../db/database.ts';
import type { Principal } from '../../http/auth.ts';
import type { TeamModelCache } from '../procedures/team-model-cache.ts';
import { createProcessPhotoReferencesRepo, photoAttributeKeys, visibleUserIds, type PhotoAttributeKeys } from '../processes/index.ts';
import { createTaskPhotoReferencesRepo } from './task-photo-references.repo.ts';

export interface PhotoVisibilityDeps {
  readonly db: Db;
  readonly models: TeamModelCache;
}

const present = (keys: readonly (PhotoAttributeKeys | null)[]): PhotoAttributeKeys[] => keys.filter((k): k is PhotoAttributeKeys => k !== null);

/**
 * Whether a photo is shown to the caller because of what it is attached to: the value of a
 * `photo` or `multiPhotos` attribute of a live process the caller may see (process-visibility.ts),
 * or of a live task of such a process (a task is visible exactly when its process is).
 * ADMIN and MANAGER keys see every process, hence every photo. The photos capability asks
 * this through the function runtime.ts hands it, so it never reads process or task data itself.
 */
export function createPhotoVisibility(deps: PhotoVisibilityDeps) {
  const { db, models } = deps;
  /** `via`: the caller's transaction when it has one open. */
  return async function photoVisibleTo(principal: Principal, photoId: string, via: Db = db): Promise<boolean> {
    const users = await visibleUserIds(via, principal);
    if (users === null) return true;
    // The map holds each procedure twice, under its shortId and its id.
    const procedures = [...new Set((await models.get(principal.teamId, via)).procedures.values())];
    const processes = createProcessPhotoReferencesRepo(via);
    const onProcesses = present(procedures.map((p) => photoAttributeKeys(p.id, p.attributes.values())));
    if (await processes.referencedByVisible(principal.teamId, photoId, onProcesses, users)) return true;
    const onTasks = present(procedures.flatMap((p) => [...p.stateTasks.values()].map((t) => photoAttributeKeys(t.id, t.attributes.values()))));
    const processIds = await createTaskPhotoReferencesRepo(via).processIdsReferencing(principal.teamId, photoId, onTasks);
    return processes.anyVisible(principal.teamId, processIds, users);
  };
}
