import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { principalOf } from '../../http/auth.ts';
import { envelope } from '../../http/envelope.ts';
import { Nullable, SafeInteger } from '../../http/schema-types.ts';
import type { BackgroundJobsService } from './background-jobs.service.ts';


export const JobWire = Type.Object({
  id: Type.String(), createdAt: Type.Integer(), updatedAt: Type.Integer(),
  startedAt: Type.Integer({ description: 'When the first entry was taken up; 0 before' }),
  completedAt: Type.Integer({ description: '0 until the job finishes' }),
  completionStatus: Type.String({ description: 'NOT_STARTED → IN_PROGRESS → SUCCESS (every entry reached a final status) | CANCELLED | ERROR (the job itself could not run to the end)' }),
  statusMessage: Nullable(Type.String({ description: 'e.g. "770 entries: 700 SUCCESS, 50 ERROR, 20 INVALID"' })),
  team: Type.String(), type: Type.String(), createdBy: Nullable(Type.String()),
  apiType: Type.String({ description: 'process:ext-create or process:ext-update' }),
  procedure: Type.String(), totalEntries: Type.Integer(),
  retryOf: Nullable(Type.String({ description: 'Extension: the job this one retries' })),
});

const Counts = Type.Object(
  Object.fromEntries(['INVALID', 'NOT_STARTED', 'IN_PROGRESS', 'SUCCESS', 'ERROR', 'CANCELLED'].map((s) => [s, Type.Integer()])),
  { description: 'Entries per completionStatus; all six keys, zeros included' },
);
export const JobMeta = Type.Object({ bjEntryCompletionStatusVsCount: Counts });

const EntryWire = Type.Object({
  id: Type.String(), createdAt: Type.Integer(), updatedAt: Type.Integer(),
  data: Type.Object({ apiData: Type.Unknown(), apiType: Type.String() }),
  validationStatus: Type.String(), validationMessage: Type.String(), validationResult: Type.Null(),
  completionStatus: Type.String({ description: 'INVALID | NOT_STARTED | IN_PROGRESS | SUCCESS | ERROR | CANCELLED' }),
  completionMessage: Type.String(), completionResult: Nullable(Type.Object({ processId: Type.String() })),
  team: Type.String(), backgroundJob: Type.String(), createdBy: Nullable(Type.String()),
  index: Type.Integer({ description: "Extension: the item's position in the request" }),
});

const JobParams = Type.Object({ backgroundJobId: Type.String() });
const ok = <T extends Parameters<typeof Type.Object>[0][string], M extends Parameters<typeof Type.Object>[0][string]>(data: T, meta: M) =>
  ({ 200: Type.Object({ _data: data, _meta: meta }) }) as const;

/** API.md §5: Fetch Background Job, its entries, and the list/cancel/retry extensions. */
export function backgroundJobsRoutes(service: BackgroundJobsService) {
  return async (root: FastifyInstance): Promise<void> => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['background jobs'];

    app.get('/v1/ext/background-job/:backgroundJobId', { schema: { tags, summary: 'Fetch Background Job', params: JobParams, response: ok(JobWire, JobMeta) } },
      async (request) => {
        const { job, meta } = await service.fetch(principalOf(request), request.params.backgroundJobId);
        return envelope(job, meta);
      });

    app.get('/v1/ext/background-job/:backgroundJobId/entries', {
      schema: {
        tags, summary: 'Fetch Background Job Entries', params: JobParams,
        querystring: Type.Object({
          completionStatus: Type.Optional(Type.String({ description: 'One of the six entry statuses' })),
          limit: Type.Optional(SafeInteger({ minimum: 1, description: 'Default and maximum 100 (larger values are clamped)' })),
          skip: Type.Optional(SafeInteger({ minimum: 0 })),
        }, { additionalProperties: false }),
        response: ok(Type.Array(EntryWire), Type.Object({ total: Type.Integer(), next: Nullable(Type.String({ description: 'Path of the next page, keeping the filter; null on the last page' })) })),
      },
    }, async (request) => {
      const page = await service.entries(principalOf(request), request.params.backgroundJobId, request.query);
      return envelope(page.entries, page.meta);
    });

    app.get('/v1/ext/background-job', {
      schema: {
        tags, summary: "List the team's background jobs (extension)",
        querystring: Type.Object({
          completionStatus: Type.Optional(Type.String()), skip: Type.Optional(SafeInteger({ minimum: 0 })), limit: Type.Optional(SafeInteger({ minimum: 1 })),
        }, { additionalProperties: false }),
        response: ok(Type.Array(JobWire), Type.Object({ hasMore: Type.Boolean(), skip: Type.Integer(), limit: Type.Integer() })),
      },
    }, async (request) => {
      const page = await service.list(principalOf(request), request.query);
      return envelope(page.jobs, page.meta);
    });

    app.post('/v1/ext/background-job/:backgroundJobId/cancel', { schema: { tags, summary: 'Cancel a background job (extension)', params: JobParams, response: ok(JobWire, JobMeta) } },
      async (request) => {
        const { job, meta } = await service.cancel(principalOf(request), request.params.backgroundJobId);
        return envelope(job, meta);
      });

    app.post('/v1/ext/background-job/:backgroundJobId/retry', { schema: { tags, summary: 'Retry the ERROR entries of a finished job as a new job (extension)', params: JobParams, response: ok(JobWire, JobMeta) } },
      async (request) => {
        const { job, meta } = (await service.retry(principalOf(request), request.params.backgroundJobId)) as { job: never; meta: never };
        return envelope(job, meta);
      });
  };
}
