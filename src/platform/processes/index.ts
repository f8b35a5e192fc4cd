import { processesRoutes } from './processes.routes.ts';
import { createProcessesService, type ProcessesDeps } from './processes.service.ts';

export type { ProcessesService, ProcessLocator } from './processes.service.ts';
export { createProcessIndexesRepo } from './process-indexes.repo.ts';
export { createProcessPhotoReferencesRepo, photoAttributeKeys, type PhotoAttributeKeys } from './process-photo-references.repo.ts';
export { visibleUserIds } from './process-visibility.ts';

export function createProcessesModule(deps: ProcessesDeps) {
  const service = createProcessesService(deps);
  return { service, routes: processesRoutes(service) };
}
