import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { principalOf } from '../../http/auth.ts';
import { envelope } from '../../http/envelope.ts';
import { InstantInput, Nullable, SafeInteger } from '../../http/schema-types.ts';
import type { TasksService } from './tasks.service.ts';

// An `enum` (not a union of literals) so a bad value is answered with the allowed ones.
const Status = Type.Enum(['OPEN', 'COMPLETED', 'CANCELLED']);
const When = InstantInput('Epoch ms (an integer), a numeric string or ISO-8601 (without an offset: the team\'s timezone); years 1000 to 9999');

const TaskBody = Type.Object({
  data: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: "Values of the state task's attributes, by shortId" })),
  status: Type.Optional(Status),
  assignedTo: Type.Optional(Nullable(Type.String({ description: 'A username, user UUID or email' }))),
  title: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  dueBy: Type.Optional(When),
  startsAt: Type.Optional(When),
  endsAt: Type.Optional(When),
}, { additionalProperties: false });

const TaskWire = Type.Object({
  id: Type.String(), createdAt: Type.Integer(), updatedAt: Type.Integer(), team: Type.String(), procedure: Type.String(),
  process: Type.String(), record: Nullable(Type.String()), stateTask: Type.String(), taskType: Nullable(Type.String()),
  title: Type.String(), description: Type.String(), status: Status,
  data: Type.Record(Type.String(), Type.Unknown()), derivedData: Type.Record(Type.String(), Type.Unknown()),
  createdBy: Nullable(Type.String()), assignedTo: Nullable(Type.String()), belongsTo: Nullable(Type.String()),
  startsAt: Type.Integer(), endsAt: Type.Integer(), dueBy: Type.Integer(), startedAt: Type.Integer(),
  completedAt: Type.Integer(), cancelledAt: Type.Integer(), isDeleted: Type.Boolean(),
});

const ok = <T extends Parameters<typeof Type.Object>[0][string]>(data: T, meta = Type.Object({}, { additionalProperties: true })) =>
  ({ 200: Type.Object({ _data: data, _meta: meta }) }) as const;

const ProcessTaskParams = Type.Object({
  procedureShortId: Type.String(),
  processIdOrPrimaryKey: Type.String({ description: 'The process UUID or its bare primary-key value' }),
});

/** API.md §4: Create Task, and the task extensions. */
export function tasksRoutes(service: TasksService) {
  return async (root: FastifyInstance): Promise<void> => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['tasks'];
    app.post('/v1/ext/p/:procedureShortId/:processIdOrPrimaryKey/task/:stateTaskShortId', {
      schema: { tags, summary: 'Create Task API', params: Type.Object({ ...ProcessTaskParams.properties, stateTaskShortId: Type.String() }), body: Type.Optional(TaskBody), response: ok(TaskWire) },
    }, async (request) => {
      const { procedureShortId, processIdOrPrimaryKey, stateTaskShortId } = request.params;
      return envelope(await service.create(principalOf(request), procedureShortId, processIdOrPrimaryKey, stateTaskShortId, request.body ?? {}));
    });

    app.get('/v1/ext/p/:procedureShortId/:processIdOrPrimaryKey/tasks', {
      schema: {
        tags, summary: "A process's tasks (extension)", params: ProcessTaskParams,
        querystring: Type.Object({ skip: Type.Optional(SafeInteger({ minimum: 0 })), limit: Type.Optional(SafeInteger({ minimum: 1, description: 'Default 10, at most 100 (larger values are clamped)' })) }, { additionalProperties: false }),
        response: ok(Type.Array(TaskWire)),
      },
    }, async (request) => {
      const page = await service.listForProcess(principalOf(request), request.params.procedureShortId, request.params.processIdOrPrimaryKey, request.query.skip ?? 0, request.query.limit ?? 10);
      return envelope(page.tasks, page.meta);
    });

    app.get('/v1/ext/task/:taskId', { schema: { tags, summary: 'Fetch a task (extension)', params: Type.Object({ taskId: Type.String() }), response: ok(TaskWire) } },
      async (request) => envelope(await service.get(principalOf(request), request.params.taskId)));

    app.put('/v1/ext/task/:taskId', { schema: { tags, summary: 'Update a task (extension)', params: Type.Object({ taskId: Type.String() }), body: TaskBody, response: ok(TaskWire) } },
      async (request) => envelope(await service.update(principalOf(request), request.params.taskId, request.body)));
  };
}
