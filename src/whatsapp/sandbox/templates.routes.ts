/**
 * `GET|POST|DELETE /{v}/{waba-id}/message_templates`: list (cursor paged, filtered), create and
 * delete templates. Reads and edits by template id live in object.routes.ts.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { baseUrlOf, requireAccount } from './graph-auth.ts';
import { GraphError } from './graph-errors.ts';
import type { SandboxCore } from './sandbox-core.ts';
import { startReview } from './template-lifecycle.ts';
import { templateView, type TemplatePage } from './template-store.ts';

type Params = { version: string; wabaId: string };
type Query = Record<string, string | undefined>;

const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 1000;

export function templatesRoutes(core: SandboxCore) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get<{ Params: Params; Querystring: Query }>('/:version/:wabaId/message_templates', async (request) => {
      const account = requireAccount(core, request, request.params.wabaId);
      const query = request.query;
      const limit = readLimit(query.limit);
      const filter = {
        name: query.name,
        status: listOf(query.status), category: listOf(query.category), language: listOf(query.language, false),
      };
      const page = core.templates.list(account.wabaId, filter, { limit, after: query.after, before: query.before });
      const fields = listOf(query.fields, false);
      return {
        data: page.items.map((t) => templateView(t, fields)),
        ...pagingOf(page, request, baseUrlOf(core, request), account.accessToken, limit),
      };
    });

    app.post<{ Params: Params }>('/:version/:wabaId/message_templates', async (request) => {
      const account = requireAccount(core, request, request.params.wabaId);
      const record = core.templates.create(account.wabaId, bodyObject(request.body));
      startReview(core, record);
      return { id: record.id, status: record.status, category: record.category };
    });

    app.delete<{ Params: Params; Querystring: Query }>('/:version/:wabaId/message_templates', async (request) => {
      const account = requireAccount(core, request, request.params.wabaId);
      const { name, hsm_id: hsmId } = request.query;
      if (!name) throw new GraphError(100, 'The parameter name is required.');
      if (core.templates.delete(account.wabaId, name, hsmId) === 0) {
        throw new GraphError(100, `Message template ${name}${hsmId ? ` with id ${hsmId}` : ''} was not found.`, { subcode: 2593002 });
      }
      return { success: true };
    });
  };
}

export function bodyObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new GraphError(100, 'The request body must be a JSON object.');
  return body as Record<string, unknown>;
}

function readLimit(text: string | undefined): number {
  if (text === undefined) return DEFAULT_LIMIT;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1) throw new GraphError(100, 'limit must be a positive integer.');
  return Math.min(limit, MAX_LIMIT);
}

/** Graph takes list filters as comma lists or JSON arrays; statuses and categories are uppercase. */
function listOf(text: string | undefined, upper = true): string[] | undefined {
  if (text === undefined || text === '') return undefined;
  let items: unknown[];
  try {
    const parsed: unknown = JSON.parse(text);
    items = Array.isArray(parsed) ? parsed : [text];
  } catch {
    items = text.split(',');
  }
  return items.map((item) => String(item).trim()).filter((s) => s !== '').map((s) => (upper ? s.toUpperCase() : s));
}

/** Meta's paging: cursors whenever there is data; `next`/`previous` only when such a page exists. */
function pagingOf(page: TemplatePage, request: FastifyRequest, baseUrl: string, token: string, limit: number): Record<string, unknown> {
  if (page.items.length === 0) return {};
  const paging: Record<string, unknown> = { cursors: { before: page.before, after: page.after } };
  const link = (cursor: Record<string, string>) => {
    const url = new URL(request.url.split('?')[0], baseUrl);
    for (const [key, value] of Object.entries(request.query as Query)) {
      if (value !== undefined && !['after', 'before', 'limit', 'access_token'].includes(key)) url.searchParams.set(key, value);
    }
    url.searchParams.set('access_token', token);
    url.searchParams.set('limit', String(limit));
    for (const [key, value] of Object.entries(cursor)) url.searchParams.set(key, value);
    return url.toString();
  };
  if (page.hasNext && page.after) paging.next = link({ after: page.after });
  if (page.hasPrevious && page.before) paging.previous = link({ before: page.before });
  return { paging };
}
