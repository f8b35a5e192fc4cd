import type { Clock } from '../../shared/time.ts';
import type { GraphClient } from '../graph/graph-client.ts';
import { createTemplateCache } from './template-cache.ts';
import { templateSendRoutes } from './template-send.routes.ts';
import { createTemplateSendService, type TemplateSendDeps } from './template-send.service.ts';
import { templatesProxyRoutes } from './templates-proxy.routes.ts';
import { createTemplatesProxyService } from './templates-proxy.service.ts';

export type { TemplateSendService } from './template-send.service.ts';
export { GRAPH_API_VERSION } from './template-cache.ts';

/** Template sends (API.md §8.1), with the approved templates read from Meta and cached; the templates pass-through (§8.2). */
export function createTemplatesModule(deps: Omit<TemplateSendDeps, 'templates'> & { readonly graph: GraphClient; readonly clock: Clock; readonly publicUrl: string }) {
  const cache = createTemplateCache(deps.graph, deps.clock);
  const service = createTemplateSendService({ ...deps, templates: cache });
  const proxy = createTemplatesProxyService(deps);
  return {
    service, proxy, routes: [templateSendRoutes(service), templatesProxyRoutes(proxy)],
    /** A template's status changed at Meta (inbound event): sends from this process read it anew. */
    forgetTemplate: (wabaId: string, name: string) => cache.forget(wabaId, name),
  };
}
