import type { TeamsTable } from '../../db/schema.ts';
import type { AttributeTypeName } from '../attributes/attribute-types.ts';
import type { ConfigRow, TeamConfigState } from '../team-config/index.ts';
import type {
  AttributeModel, DerivedAttributeModel, EntityModel, ProcedureModel, StateModel, StateTaskModel, TeamModel,
} from './procedure-model.ts';

type ReadJson = (value: unknown) => unknown;

const byPosition = <T extends { position: number }>(rows: readonly T[]): T[] => [...rows].sort((a, b) => a.position - b.position);

function attributesOf(state: TeamConfigState, ownerId: string, readJson: ReadJson): Map<string, AttributeModel> {
  const rows = byPosition(state.attributes.filter((a) => a.owner_id === ownerId));
  return new Map(rows.map((a) => [a.short_id, Object.freeze({
    id: a.id, shortId: a.short_id, name: a.name, type: a.type as AttributeTypeName, required: a.required === 1,
    options: (readJson(a.options) as (string | number)[] | null) ?? null,
    autoGenerate: (readJson(a.auto_generate) as AttributeModel['autoGenerate']) ?? null,
    schema: (readJson(a.schema) as AttributeModel['schema']) ?? null,
  })]));
}

const findById = <T extends { id: string }>(values: Iterable<T>, id: string | null): T | null => {
  if (id === null) return null;
  for (const value of values) if (value.id === id) return value;
  return null;
};

function buildEntity(row: ConfigRow<'entities'>, state: TeamConfigState, readJson: ReadJson): EntityModel {
  const attributes = attributesOf(state, row.id, readJson);
  return Object.freeze({
    id: row.id, shortId: row.short_id, name: row.name, attributes,
    primaryKey: findById(attributes.values(), row.primary_key_attribute_id),
    phoneAttribute: findById(attributes.values(), row.phone_attribute_id),
  });
}

function buildProcedure(row: ConfigRow<'procedures'>, state: TeamConfigState, entities: ReadonlyMap<string, EntityModel>, readJson: ReadJson): ProcedureModel {
  const states = byPosition(state.states.filter((s) => s.procedure_id === row.id))
    .map((s): StateModel => Object.freeze({ id: s.id, shortId: s.short_id, name: s.name, position: s.position }));
  const attributes = attributesOf(state, row.id, readJson);
  const derived = byPosition(state.derived_attributes.filter((d) => d.owner_id === row.id))
    .map((d): DerivedAttributeModel => Object.freeze({ id: d.id, shortId: d.short_id, name: d.name, type: d.type as AttributeTypeName, expression: d.expression }));
  const stateTasks = state.state_tasks.filter((t) => t.procedure_id === row.id).map((t): StateTaskModel => Object.freeze({
    id: t.id, shortId: t.short_id, name: t.name, taskTypeId: t.task_type_id,
    stateIds: (readJson(t.state_ids) as string[]) ?? [], attributes: attributesOf(state, t.id, readJson),
  }));
  return Object.freeze({
    id: row.id, teamId: row.team_id, shortId: row.short_id, name: row.name,
    entity: row.entity_id === null ? null : (entities.get(row.entity_id) ?? null),
    primaryKey: findById(attributes.values(), row.primary_key_attribute_id),
    primaryIdentifier: findById([...attributes.values(), ...derived], row.primary_identifier_attribute_id),
    phoneAttribute: findById(attributes.values(), row.phone_attribute_id),
    defaultStartState: findById(states, row.default_start_state_id),
    defaultCompletedState: findById(states, row.default_completed_state_id),
    states: new Map(states.map((s) => [s.shortId, s])),
    statesById: new Map(states.map((s) => [s.id, s])),
    attributes,
    derivedAttributes: new Map(derived.map((d) => [d.shortId, d])),
    stateTasks: new Map(stateTasks.map((t) => [t.shortId, t])),
  });
}

/** Resolves a team's stored config into the model the write and query paths use. */
export function buildTeamModel(team: TeamsTable, state: TeamConfigState, readJson: ReadJson): TeamModel {
  const entities = new Map<string, EntityModel>();
  for (const row of state.entities) {
    const entity = buildEntity(row, state, readJson);
    entities.set(entity.id, entity);
    entities.set(entity.shortId, entity);
  }
  const procedures = new Map<string, ProcedureModel>();
  for (const row of state.procedures) {
    const procedure = buildProcedure(row, state, entities, readJson);
    procedures.set(procedure.id, procedure);
    procedures.set(procedure.shortId, procedure);
  }
  return Object.freeze({
    id: team.id, slug: team.slug, timezone: team.timezone, defaultCountryCode: team.default_country_code, procedures, entities,
  });
}
