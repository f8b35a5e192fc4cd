import { teamConfigRoutes } from './team-config.routes.ts';
import { createTeamConfigService, type TeamConfigDeps } from './team-config.service.ts';

export type { TeamConfigService, ApplyRequest } from './team-config.service.ts';
export type { ApplySummary } from './team-config.apply.ts';
export { createConfigObjectsRepo, type ConfigRow, type TeamConfigState } from './config-objects.repo.ts';
export { parseConfigFile } from './config-file.ts';
export type { ProcessStorage } from './process-storage.port.ts';
export type { PluginStore, PluginApplyContext, PluginApplyResult } from './plugin-store.port.ts';
export type { PluginSpec, PhoneNumberSpec, SecretSpec, WebhookSettings, PluginSecretField } from './config-file.types.ts';
export { PLUGIN_SECRET_FIELDS } from './config-file.types.ts';
export { readWebhookSettings, webhookUrlProblem, EMPTY_WEBHOOK_SETTINGS, SANDBOX_GRAPH_API_URL, DEFAULT_GRAPH_API_URL, type WebhookUrlRules } from './config-file.plugins.ts';

export function createTeamConfigModule(deps: TeamConfigDeps) {
  const service = createTeamConfigService(deps);
  return { service, routes: teamConfigRoutes(service) };
}
