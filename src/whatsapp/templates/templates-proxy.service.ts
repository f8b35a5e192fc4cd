import type { Principal } from '../../http/auth.ts';
import { forbidden } from '../../shared/errors.ts';
import type { GraphClient } from '../graph/graph-client.ts';
import { forwardRaw, type ProxyAnswer } from '../graph/raw-proxy.ts';
import { checkGraphVersion } from '../graph/graph-errors.ts';
import type { Account, PluginsService } from '../plugins/index.ts';

export interface TemplatesProxyDeps {
  readonly graph: GraphClient;
  readonly plugins: PluginsService;
  /** PUBLIC_URL: `paging.next` and `previous` are rewritten to point here. */
  readonly publicUrl: string;
}

const mayChangeTemplates = (principal: Principal) => principal.roleType === 'ADMIN' || principal.roleType === 'MANAGER';

/**
 * Message templates pass-through (API.md §8.2): create, list and update at Meta through the
 * plugin of the WABA (or of the template id, once seen), answering Meta's status and body as
 * they came. List pages link to this server, never to Meta, and never carry Meta's token.
 */
export function createTemplatesProxyService(deps: TemplatesProxyDeps) {
  const { graph, plugins } = deps;

  const forward = (account: Account, request: Parameters<typeof forwardRaw>[2]) => forwardRaw(graph, account, request);


  return {
    async list(principal: Principal, version: string, wabaId: string, query: URLSearchParams, pluginId: string | undefined, selfPath: string): Promise<ProxyAnswer> {
      checkGraphVersion(version);
      const account = await plugins.accountFor(principal.teamId, wabaId, pluginId);
      const answer = await forward(account, { method: 'GET', path: `/${version}/${wabaId}/message_templates`, query });
      const body = answer.body as { data?: { id?: unknown }[]; paging?: Record<string, unknown> };
      if (answer.status === 200 && Array.isArray(body?.data)) {
        await plugins.rememberTemplates(principal.teamId, account.plugin.id, body.data.map((t) => t.id).filter((id): id is string => typeof id === 'string'));
        if (body.paging) body.paging = rewritePaging(body.paging, `${deps.publicUrl}${selfPath}`);
      }
      return answer;
    },

    async create(principal: Principal, version: string, wabaId: string, template: unknown, pluginId: string | undefined): Promise<ProxyAnswer> {
      checkGraphVersion(version);
      const account = await plugins.accountFor(principal.teamId, wabaId, pluginId);
      if (!mayChangeTemplates(principal)) throw forbidden('Only ADMIN and MANAGER keys may create or change message templates');
      const answer = await forward(account, { method: 'POST', path: `/${version}/${wabaId}/message_templates`, json: template });
      const id = (answer.body as { id?: unknown } | null)?.id;
      if (answer.status === 200 && typeof id === 'string') await plugins.rememberTemplates(principal.teamId, account.plugin.id, [id]);
      return answer;
    },

    async update(principal: Principal, version: string, templateId: string, changes: unknown, pluginId: string | undefined): Promise<ProxyAnswer> {
      checkGraphVersion(version);
      const account = await plugins.accountForTemplate(principal.teamId, templateId, pluginId);
      if (!mayChangeTemplates(principal)) throw forbidden('Only ADMIN and MANAGER keys may create or change message templates');
      return forward(account, { method: 'POST', path: `/${version}/${encodeURIComponent(templateId)}`, json: changes });
    },
  };
}

export type { ProxyAnswer };
export type TemplatesProxyService = ReturnType<typeof createTemplatesProxyService>;

/** `next` / `previous` to this server's own list path, with Meta's query minus its access token. */
function rewritePaging(paging: Record<string, unknown>, selfUrl: string): Record<string, unknown> {
  const out = { ...paging };
  for (const key of ['next', 'previous']) {
    const link = paging[key];
    if (typeof link !== 'string') continue;
    let query: URLSearchParams;
    try {
      query = new URL(link).searchParams;
    } catch {
      delete out[key];
      continue;
    }
    query.delete('access_token');
    out[key] = `${selfUrl}?${query}`;
  }
  return out;
}
