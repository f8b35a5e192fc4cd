import type { Principal } from '../../http/auth.ts';
import { forbidden } from '../../shared/errors.ts';
import type { GraphClient } from '../graph/graph-client.ts';
import { forwardRaw, type ProxyAnswer } from '../graph/raw-proxy.ts';
import { checkGraphVersion } from '../graph/graph-errors.ts';
import type { PluginsService } from '../plugins/index.ts';

export interface CallingDeps {
  readonly graph: GraphClient;
  readonly plugins: PluginsService;
}

export const CALLING_EDGES = ['settings', 'call_permissions', 'calls'] as const;
export type CallingEdge = (typeof CALLING_EDGES)[number];

/**
 * Calling pass-through (API.md §8.2a), as the official SDK calls it: the business number is
 * found among the caller's team's plugins (another team's is 404), query and body go to Meta
 * unchanged, and Meta's status and body come back unchanged. Changing a number's calling
 * settings is for ADMIN and MANAGER keys.
 */
export function createCallingService(deps: CallingDeps) {
  return {
    async forward(principal: Principal, method: 'GET' | 'POST', version: string, phoneNumberId: string, edge: CallingEdge, query: URLSearchParams, body: unknown): Promise<ProxyAnswer> {
      checkGraphVersion(version);
      const account = await deps.plugins.accountForPhoneNumber(principal.teamId, phoneNumberId);
      if (edge === 'settings' && method === 'POST' && principal.roleType === 'USER') throw forbidden('Only ADMIN and MANAGER keys may change calling settings');
      return forwardRaw(deps.graph, account, { method, path: `/${version}/${encodeURIComponent(phoneNumberId)}/${edge}`, query, json: method === 'POST' ? body ?? {} : undefined });
    },
  };
}

export type CallingService = ReturnType<typeof createCallingService>;
