import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { principalOf } from '../../http/auth.ts';
import { envelope } from '../../http/envelope.ts';
import type { UsersService } from './users.service.ts';
import { ListUsersQuery, UpdateUserBody, UserIdParams, UserV1, UserV2 } from './users.schemas.ts';

const ok = <T extends Parameters<typeof Type.Object>[0][string]>(data: T) =>
  ({ 200: Type.Object({ _data: data, _meta: Type.Object({}) }) }) as const;

/** API.md §6: list, fetch (v1 and humanized v2) and update users. */
export function usersRoutes(service: UsersService) {
  return async (root: FastifyInstance): Promise<void> => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['users'];

    app.get('/v1/ext/users', { schema: { tags, summary: 'List Users API', querystring: ListUsersQuery, response: ok(Type.Array(UserV1)) } },
      async (request) => envelope(await service.list(principalOf(request), { includeServiceAccounts: request.query.includeServiceAccounts === true })));

    app.get('/v2/ext/users', { schema: { tags, summary: 'List Users API (V2, humanized)', querystring: ListUsersQuery, response: ok(Type.Array(UserV2)) } },
      async (request) => envelope(await service.listHumanized(principalOf(request), { includeServiceAccounts: request.query.includeServiceAccounts === true })));

    app.get('/v1/ext/user/:userId', { schema: { tags, summary: 'Fetch User API', params: UserIdParams, response: ok(UserV1) } },
      async (request) => envelope(await service.get(principalOf(request), request.params.userId)));

    app.get('/v2/ext/user/:userId', { schema: { tags, summary: 'Fetch User API (V2, humanized)', params: UserIdParams, response: ok(UserV2) } },
      async (request) => envelope(await service.getHumanized(principalOf(request), request.params.userId)));

    // The public docs label Update User as GET, which cannot carry a body: PUT, PATCH and POST all work.
    for (const method of ['PUT', 'PATCH', 'POST'] as const) {
      app.route({
        method,
        url: '/v1/ext/user/:userId',
        schema: { tags, summary: `Update User API (${method})`, params: UserIdParams, body: UpdateUserBody, response: ok(UserV1) },
        handler: async (request) => envelope(await service.update(principalOf(request), request.params.userId, request.body)),
      });
    }
  };
}
