import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { principalOf } from '../../http/auth.ts';
import { envelope, sendJsonEnvelope } from '../../http/envelope.ts';
import type { ProcessesService } from './processes.service.ts';
import {
  CreateProcessBody, HistoryEntry, ListProcessesBody, PageQuery, PrimaryKeyParams, ProcedureParams, ProcessParams, ProcessWire, UpdateProcessBody,
} from './processes.schemas.ts';

const ok = <T extends Parameters<typeof Type.Object>[0][string]>(data: T, meta = Type.Object({}, { additionalProperties: true })) =>
  ({ 200: Type.Object({ _data: data, _meta: meta }) }) as const;
const PageMeta = Type.Object({ hasMore: Type.Boolean(), skip: Type.Integer(), limit: Type.Integer(), total: Type.Optional(Type.Integer()) });

/** API.md §3: the process endpoints (bulk ones live with background jobs). */
export function processesRoutes(service: ProcessesService) {
  return async (root: FastifyInstance): Promise<void> => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['processes'];
    const base = '/v1/ext/procedure/:procedureShortId/process';
    const byPk = { pkShortId: '', pkValue: '' };
    const pkLocator = (p: { primaryKeyShortId: string; primaryKeyValue: string }) => ({ ...byPk, pkShortId: p.primaryKeyShortId, pkValue: p.primaryKeyValue });

    app.get(`${base}/:processId`, { schema: { tags, summary: 'Fetch Process By Id', params: ProcessParams, response: ok(ProcessWire) } },
      async (request, reply) => {
        return sendJsonEnvelope(reply, await service.fetch(principalOf(request), request.params.procedureShortId, request.params.processId));
      });

    app.post(`${base}/list`, { schema: { tags, summary: 'List Processes', params: ProcedureParams, body: Type.Optional(ListProcessesBody), response: ok(Type.Array(ProcessWire), PageMeta) } },
      async (request, reply) => {
        const page = await service.list(principalOf(request), request.params.procedureShortId, request.body ?? {});
        return sendJsonEnvelope(reply, `[${page.processes.join(',')}]`, page.meta);
      });

    app.post(base, { schema: { tags, summary: 'Create Process', params: ProcedureParams, body: Type.Optional(CreateProcessBody), response: ok(ProcessWire) } },
      async (request) => envelope(await service.create(principalOf(request), request.params.procedureShortId, (request.body ?? {}) as Record<string, unknown>)));

    app.put(`${base}/:processId`, { schema: { tags, summary: 'Update Process', params: ProcessParams, body: UpdateProcessBody, response: ok(ProcessWire) } },
      async (request) => envelope(await service.update(principalOf(request), request.params.procedureShortId, { id: request.params.processId }, request.body)));

    app.put(`${base}/:primaryKeyShortId/:primaryKeyValue`, { schema: { tags, summary: 'Update Process By Primary Key', params: PrimaryKeyParams, body: UpdateProcessBody, response: ok(ProcessWire) } },
      async (request) => envelope(await service.update(principalOf(request), request.params.procedureShortId, pkLocator(request.params), request.body)));

    app.delete(`${base}/:processId`, { schema: { tags, summary: 'Delete Process', params: ProcessParams, response: ok(ProcessWire) } },
      async (request) => envelope(await service.delete(principalOf(request), request.params.procedureShortId, { id: request.params.processId })));

    app.delete(`${base}/:primaryKeyShortId/:primaryKeyValue`, { schema: { tags, summary: 'Delete Process By Primary Key Value', params: PrimaryKeyParams, response: ok(ProcessWire) } },
      async (request) => envelope(await service.delete(principalOf(request), request.params.procedureShortId, pkLocator(request.params))));

    app.get(`${base}/:processId/history`, { schema: { tags, summary: 'Process history (extension)', params: ProcessParams, querystring: PageQuery, response: ok(Type.Array(HistoryEntry), PageMeta) } },
      async (request) => {
        const page = await service.history(principalOf(request), request.params.procedureShortId, request.params.processId, request.query.skip ?? 0, request.query.limit ?? 10);
        return envelope(page.entries, page.meta);
      });
  };
}
