import { backgroundJobsRoutes } from './background-jobs.routes.ts';
import { createBackgroundJobsService, type BackgroundJobsDeps } from './background-jobs.service.ts';

export type { BackgroundJobsService } from './background-jobs.service.ts';
export { JobWire, JobMeta } from './background-jobs.routes.ts';

export function createBackgroundJobsModule(deps: BackgroundJobsDeps) {
  const service = createBackgroundJobsService(deps);
  return { service, routes: backgroundJobsRoutes(service) };
}
