import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { principalOf } from '../../http/auth.ts';
import { envelope } from '../../http/envelope.ts';
import { JobMeta, JobWire } from '../background-jobs/index.ts';
import type { BulkService } from './bulk.service.ts';

const Params = Type.Object({ procedureShortId: Type.String({ description: "The procedure's shortId or UUID" }) });
// Items are not checked here: one that is not an object becomes an INVALID entry (API.md §5),
// it does not refuse the whole request.
const Items = Type.Array(Type.Unknown());
const response = { 200: Type.Object({ _data: JobWire, _meta: JobMeta }) };

/**
 * API.md §3 rows 8 and 9: accepted at once as a background job (§5). The paths without `/ext`
 * from ChakraHQ's older docs are aliases.
 */
export function bulkRoutes(service: BulkService, bodyLimit: number) {
  return async (root: FastifyInstance): Promise<void> => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['processes'];
    for (const prefix of ['/v1/ext', '/v1']) {
      const hide = prefix === '/v1';
      app.post(`${prefix}/procedure/:procedureShortId/process/bulk-create`, {
        bodyLimit,
        schema: {
          tags, hide, summary: 'Bulk Create Process API', params: Params, response,
          body: Type.Union([Items, Type.Object({ processes: Items })], { description: 'Create bodies (as Create Process), as an array or {"processes": [...]}; at most 100,000' }),
        },
      }, async (request) => {
        const { job, meta } = await service.bulkCreate(principalOf(request), request.params.procedureShortId, request.body);
        return envelope(job, meta);
      });
      app.patch(`${prefix}/procedure/:procedureShortId/process`, {
        bodyLimit,
        schema: {
          tags, hide, summary: 'Bulk Update Process API', params: Params, response,
          body: Type.Union([Type.Object({ processes: Items }), Items], {
            description: 'Items name their process by "id" (UUID; a non-UUID is read as a primary-key value) or by "<primaryKeyShortId>": value, with the change at the item root or in "update": {data, state, status, assignedTo, nextActionAt, isDeleted}',
          }),
        },
      }, async (request) => {
        const { job, meta } = await service.bulkUpdate(principalOf(request), request.params.procedureShortId, request.body);
        return envelope(job, meta);
      });
    }
  };
}
