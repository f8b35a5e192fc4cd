import { createPluginStore } from './plugin-store.ts';
import { pluginsRoutes } from './plugins.routes.ts';
import { createPluginsService, type PluginsDeps } from './plugins.service.ts';

export type { PluginsService, Sender, Account } from './plugins.service.ts';
export type { PluginRow } from './plugins.repo.ts';
export { createSandboxLink, type SandboxLink } from './sandbox-link.ts';
export type { PluginSummary } from './plugins.mapper.ts';
export { SECRET_PURPOSE } from './plugins.mapper.ts';

/** WhatsApp plugins: the store config apply writes them through, their settings API, and the CLI's view. */
export function createPluginsModule(deps: PluginsDeps) {
  const service = createPluginsService(deps);
  return { service, store: createPluginStore(deps.secrets), routes: pluginsRoutes(service) };
}
