import type { SecretBox } from '../../shared/secret-box.ts';
import { createPluginStore } from './plugin-store.ts';
import { pluginsRoutes } from './plugins.routes.ts';
import { createPluginsService, type PluginsDeps } from './plugins.service.ts';

export type { PluginsService } from './plugins.service.ts';
export type { PluginSummary } from './plugins.mapper.ts';

/** WhatsApp plugins: the store config apply writes them through, their settings API, and the CLI's view. */
export function createPluginsModule(deps: PluginsDeps & { readonly secrets: SecretBox }) {
  const service = createPluginsService(deps);
  return { service, store: createPluginStore(deps.secrets), routes: pluginsRoutes(service) };
}
