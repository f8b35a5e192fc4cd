import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../../http/auth.ts';
import { envelope } from '../../http/envelope.ts';
import type { TeamConfigService } from './team-config.service.ts';

const ConfigObjects = Type.Array(Type.Record(Type.String(), Type.Unknown()));
const ConfigWire = Type.Object({
  team: Type.Record(Type.String(), Type.Unknown(), { description: 'The team: id, shortId/slug, name, timezone, defaultCountryCode' }),
  entities: ConfigObjects,
  procedures: ConfigObjects,
  attributeTypes: ConfigObjects,
  attributes: ConfigObjects,
  derivedAttributes: ConfigObjects,
  attributeGroups: ConfigObjects,
  roles: ConfigObjects,
  pods: ConfigObjects,
  taskTypes: ConfigObjects,
  forms: ConfigObjects,
  formFields: ConfigObjects,
  formActionButtons: ConfigObjects,
  stateTasks: ConfigObjects,
  userProfiles: ConfigObjects,
  attributeConfig: ConfigObjects,
  skillTypes: ConfigObjects,
});

/** API.md §2: the team's data model, to resolve the UUIDs other responses carry. */
export function teamConfigRoutes(service: TeamConfigService) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get(
      '/v1/ext/config',
      { schema: { tags: ['config'], summary: 'Fetch Config', response: { 200: Type.Object({ _data: ConfigWire, _meta: Type.Object({}) }) } } },
      async (request) => envelope(await service.getConfig(principalOf(request))),
    );
  };
}
