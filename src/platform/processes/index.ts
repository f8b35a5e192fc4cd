import { processesRoutes } from './processes.routes.ts';
import { createProcessesService, type ProcessesDeps } from './processes.service.ts';

export type { ProcessesService, ProcessLocator } from './processes.service.ts';
export { createProcessStorage } from './process-storage.ts';
export { procedureTable } from './process-tables.ts';
export { createProcessPhotoReferencesRepo, photoAttributeKeys, type PhotoAttributeKeys } from './process-photo-references.repo.ts';
export { visibleUserIds } from './process-visibility.ts';
// The one writer of processes: every path that creates or changes them goes through these.
export { createMany, createOne } from './process-create.ts';
export { updateMany, type UpdateItem, type UpdateTarget } from './process-update.ts';
export { storedPrimaryKey, primaryKeysOf } from './process-keys.ts';
export type { WriteOutcome, WriterDeps, WriteScope } from './process-writer.ts';

export function createProcessesModule(deps: ProcessesDeps) {
  const service = createProcessesService(deps);
  return { service, routes: processesRoutes(service) };
}
