import type { TeamsTable } from '../../db/schema.ts';
import { ATTRIBUTE_TYPE_NAMES, ATTRIBUTE_TYPES } from '../attributes/attribute-types.ts';
import type { TeamConfigState } from './config-objects.repo.ts';

type ReadJson = (value: unknown) => unknown;

const base = (row: { id: string; short_id: string; name: string; team_id: string; created_at: number; updated_at: number }) => ({
  id: row.id,
  shortId: row.short_id,
  name: row.name,
  team: row.team_id,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** The config features this server does not have yet: always present, always empty. */
const EMPTY_KEYS = ['forms', 'formFields', 'formActionButtons', 'userProfiles', 'attributeConfig', 'skillTypes'] as const;

/** `GET /v1/ext/config`: exactly the 17 keys of API.md §2, references as UUIDs (CONFIG.md). */
export function toConfigWire(team: TeamsTable, state: TeamConfigState, readJson: ReadJson): Record<string, unknown> {
  const owner = (row: { owner_kind: string; owner_id: string }) => ({ kind: row.owner_kind, id: row.owner_id });
  const attributeIdsOf = (ownerId: string) => state.attributes.filter((a) => a.owner_id === ownerId).sort((a, b) => a.position - b.position).map((a) => a.id);
  const wire: Record<string, unknown> = {
    team: {
      id: team.id, shortId: team.slug, slug: team.slug, name: team.name, timezone: team.timezone,
      defaultCountryCode: team.default_country_code, createdAt: team.created_at, updatedAt: team.updated_at,
    },
    entities: state.entities.map((e) => ({
      ...base(e), primaryKey: e.primary_key_attribute_id, phoneAttribute: e.phone_attribute_id, attributes: attributeIdsOf(e.id),
    })),
    procedures: state.procedures.map((p) => ({
      ...base(p), entity: p.entity_id, primaryKey: p.primary_key_attribute_id, primaryIdentifier: p.primary_identifier_attribute_id,
      phoneAttribute: p.phone_attribute_id, defaultStartState: p.default_start_state_id, defaultCompletedState: p.default_completed_state_id,
      states: state.states.filter((s) => s.procedure_id === p.id).sort((a, b) => a.position - b.position)
        .map((s) => ({ id: s.id, shortId: s.short_id, name: s.name, order: s.position })),
      attributes: attributeIdsOf(p.id),
    })),
    attributeTypes: ATTRIBUTE_TYPE_NAMES.map((t) => ({ shortId: t, name: ATTRIBUTE_TYPES[t].name, valueType: ATTRIBUTE_TYPES[t].valueType })),
    attributes: state.attributes.map((a) => ({
      ...base(a), type: a.type, required: a.required === 1, options: readJson(a.options) ?? null,
      autoGenerate: readJson(a.auto_generate) ?? null, schema: readJson(a.schema) ?? null, owner: owner(a), order: a.position,
    })),
    derivedAttributes: state.derived_attributes.map((d) => ({ ...base(d), type: d.type, expression: d.expression, owner: owner(d), order: d.position })),
    attributeGroups: state.attribute_groups.map((g) => ({ ...base(g), owner: owner(g), attributes: readJson(g.attribute_ids) ?? [], order: g.position })),
    roles: state.roles.map((r) => ({ ...base(r), type: r.type })),
    pods: state.pods.map(base),
    taskTypes: state.task_types.map(base),
    stateTasks: state.state_tasks.map((t) => ({
      ...base(t), procedure: t.procedure_id, taskType: t.task_type_id, states: readJson(t.state_ids) ?? [], attributes: attributeIdsOf(t.id),
    })),
  };
  for (const key of EMPTY_KEYS) wire[key] = [];
  return wire;
}
