import { teamConfigRoutes } from './team-config.routes.ts';
import { createTeamConfigService, type TeamConfigDeps } from './team-config.service.ts';

export type { TeamConfigService, ApplyRequest } from './team-config.service.ts';
export type { ApplySummary } from './team-config.apply.ts';
export { createConfigObjectsRepo, type ConfigRow, type TeamConfigState } from './config-objects.repo.ts';
export { parseConfigFile } from './config-file.ts';
export type { ProcessStorage } from './process-storage.port.ts';

export function createTeamConfigModule(deps: TeamConfigDeps) {
  const service = createTeamConfigService(deps);
  return { service, routes: teamConfigRoutes(service) };
}
