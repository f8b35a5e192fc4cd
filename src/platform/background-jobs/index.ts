import { backgroundJobsRoutes } from './background-jobs.routes.ts';
import { createBackgroundJobsService, type BackgroundJobsDeps } from './background-jobs.service.ts';

export type { BackgroundJobsService } from './background-jobs.service.ts';
export { JobWire, JobMeta } from './background-jobs.routes.ts';
// What the bulk capability records its jobs and entries with.
export { createBackgroundJobsRepo, type BackgroundJobRow, type EntryInsert, type EntryResult, type EntryRow } from './background-jobs.repo.ts';
export { countsOf, statusMessage, toJobWire } from './background-jobs.mapper.ts';

export function createBackgroundJobsModule(deps: BackgroundJobsDeps) {
  const service = createBackgroundJobsService(deps);
  return { service, routes: backgroundJobsRoutes(service) };
}
