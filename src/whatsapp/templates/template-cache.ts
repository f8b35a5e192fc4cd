import type { Clock } from '../../shared/time.ts';
import type { GraphClient, GraphTarget } from '../graph/graph-client.ts';
import type { MetaTemplate } from './template-components.ts';

/** The Graph API version this server uses for the calls it makes itself. */
export const GRAPH_API_VERSION = 'v21.0';
const TTL_MS = 60_000;
const PAGE_LIMIT = 100;
const MAX_PAGES = 10;

/**
 * A WABA's templates of one name, read from Meta and kept for a minute: a burst of sends of one
 * template costs one read. `forget` drops an entry (a send Meta refused with 132001 means the
 * template changed since it was read).
 */
export function createTemplateCache(graph: GraphClient, clock: Clock) {
  const entries = new Map<string, { at: number; templates: Promise<MetaTemplate[]> }>();
  const keyOf = (wabaId: string, name: string) => `${wabaId}\u0000${name}`;

  async function read(target: GraphTarget, wabaId: string, name: string): Promise<MetaTemplate[]> {
    const found: MetaTemplate[] = [];
    let after: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const query = new URLSearchParams({ name, limit: String(PAGE_LIMIT), fields: 'id,name,language,status,category,parameter_format,components' });
      if (after) query.set('after', after);
      const answer = await graph.request(target, { method: 'GET', path: `/${GRAPH_API_VERSION}/${wabaId}/message_templates`, query });
      const body = answer.json as { data?: MetaTemplate[]; paging?: { next?: string; cursors?: { after?: string } } } | undefined;
      // Meta's `name` filter matches by substring; keep exact names only.
      found.push(...(body?.data ?? []).filter((t) => t.name === name));
      after = body?.paging?.next ? body.paging.cursors?.after : undefined;
      if (!after) break;
    }
    return found;
  }

  return {
    templates(target: GraphTarget, wabaId: string, name: string): Promise<MetaTemplate[]> {
      const key = keyOf(wabaId, name);
      const cached = entries.get(key);
      if (cached && clock() - cached.at < TTL_MS) return cached.templates;
      const templates = read(target, wabaId, name);
      entries.set(key, { at: clock(), templates });
      templates.catch(() => entries.delete(key));
      return templates;
    },
    forget(wabaId: string, name: string): void {
      entries.delete(keyOf(wabaId, name));
    },
  };
}

export type TemplateCache = ReturnType<typeof createTemplateCache>;
