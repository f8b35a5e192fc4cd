import type { ConfigTable, TeamConfigState } from './config-objects.repo.ts';
import type { AttributeSpec, EntitySpec, ProcedureSpec, TeamConfigFile } from './config-file.types.ts';
import { newId } from '../../shared/ids.ts';
import type { OwnerKind } from '../../db/schema.ts';

/** One config object as the file wants it: its full row (timestamps aside) and where it sits. */
export interface DesiredRow {
  readonly table: ConfigTable;
  /** Identity within the team: `<parent id>/<shortId>` for owned objects, the shortId otherwise. */
  readonly key: string;
  /** How the summary names it: `attribute lead.score`. */
  readonly label: string;
  readonly row: Record<string, unknown> & { id: string; team_id: string };
}

/** How the summary names an object of each table. */
export const TABLE_LABELS: Record<ConfigTable, string> = {
  roles: 'role', pods: 'pod', task_types: 'task type', entities: 'entity', procedures: 'procedure', states: 'state',
  attributes: 'attribute', derived_attributes: 'derived attribute', attribute_groups: 'attribute group', state_tasks: 'state task',
};

const SCOPED_BY: Partial<Record<ConfigTable, string>> = {
  states: 'procedure_id',
  state_tasks: 'procedure_id',
  attributes: 'owner_id',
  derived_attributes: 'owner_id',
  attribute_groups: 'owner_id',
};

/** The identity of a stored row, comparable with `DesiredRow.key`. */
export function keyOfRow(table: ConfigTable, row: Record<string, unknown>): string {
  const scope = SCOPED_BY[table];
  return scope ? `${String(row[scope])}/${String(row.short_id)}` : String(row.short_id);
}

/** The dotted path of an owner (`lead`, `customer`, `lead.call`), as labels spell it. */
function ownerPath(id: string, state: TeamConfigState): string {
  const named = state.procedures.find((p) => p.id === id) ?? state.entities.find((e) => e.id === id);
  if (named) return named.short_id;
  const task = state.state_tasks.find((t) => t.id === id);
  return task ? `${ownerPath(task.procedure_id, state)}.${task.short_id}` : id;
}

/** How the summary names a stored object: the same label `planConfigRows` gives a wanted one. */
export function labelOfRow(table: ConfigTable, row: Record<string, unknown>, state: TeamConfigState): string {
  const scope = SCOPED_BY[table];
  const prefix = scope ? `${ownerPath(String(row[scope]), state)}.` : '';
  return `${TABLE_LABELS[table]} ${prefix}${String(row.short_id)}`;
}

const json = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));

/**
 * Turns a validated file into the rows it wants. Ids are decided first — kept for objects that
 * exist (matched by shortId within their parent), new UUIDs otherwise — so every reference can be
 * resolved before anything is written and re-applying the same file yields the same ids.
 */
export function planConfigRows(file: TeamConfigFile, teamId: string, state: TeamConfigState): DesiredRow[] {
  const existing = new Map<string, string>();
  for (const table of Object.keys(state) as ConfigTable[]) {
    for (const row of state[table]) existing.set(`${table}:${keyOfRow(table, row as never)}`, row.id);
  }
  const out: DesiredRow[] = [];
  const add = (table: ConfigTable, key: string, label: string, fields: Record<string, unknown>): string => {
    const id = existing.get(`${table}:${key}`) ?? newId();
    out.push({ table, key, label, row: { id, team_id: teamId, ...fields } });
    return id;
  };

  for (const r of file.roles) add('roles', r.shortId, `role ${r.shortId}`, { short_id: r.shortId, name: r.name, type: r.type });
  for (const p of file.pods) add('pods', p.shortId, `pod ${p.shortId}`, { short_id: p.shortId, name: p.name });
  const taskTypeIds = new Map<string, string>();
  for (const t of file.taskTypes) {
    taskTypeIds.set(t.shortId, add('task_types', t.shortId, `task type ${t.shortId}`, { short_id: t.shortId, name: t.name }));
  }
  const entityIds = new Map<string, string>();
  for (const entity of file.entities) entityIds.set(entity.shortId, planEntity(entity, existing, add));
  for (const procedure of file.procedures) planProcedure(procedure, existing, add, entityIds, taskTypeIds);
  return out;
}

type Add = (table: ConfigTable, key: string, label: string, fields: Record<string, unknown>) => string;

function idFor(existing: Map<string, string>, table: ConfigTable, key: string): string {
  const id = existing.get(`${table}:${key}`) ?? newId();
  existing.set(`${table}:${key}`, id);
  return id;
}

function planAttributes(add: Add, ownerKind: OwnerKind, ownerId: string, labelPrefix: string, specs: readonly AttributeSpec[]): Map<string, string> {
  const ids = new Map<string, string>();
  specs.forEach((a, position) => {
    ids.set(a.shortId, add('attributes', `${ownerId}/${a.shortId}`, `attribute ${labelPrefix}.${a.shortId}`, {
      owner_kind: ownerKind, owner_id: ownerId, short_id: a.shortId, name: a.name, type: a.type,
      required: a.required ? 1 : 0, options: json(a.options), auto_generate: json(a.autoGenerate), schema: json(a.schema), position,
    }));
  });
  return ids;
}

function planEntity(entity: EntitySpec, existing: Map<string, string>, add: Add): string {
  const entityId = idFor(existing, 'entities', entity.shortId);
  const attributeIds = planAttributes(add, 'entity', entityId, entity.shortId, entity.attributes);
  add('entities', entity.shortId, `entity ${entity.shortId}`, {
    short_id: entity.shortId, name: entity.name,
    primary_key_attribute_id: entity.primaryKey ? attributeIds.get(entity.primaryKey) : null,
    phone_attribute_id: entity.phoneAttribute ? attributeIds.get(entity.phoneAttribute) : null,
  });
  return entityId;
}

function planProcedure(
  p: ProcedureSpec, existing: Map<string, string>, add: Add,
  entityIds: ReadonlyMap<string, string>, taskTypeIds: ReadonlyMap<string, string>,
): void {
  const procedureId = idFor(existing, 'procedures', p.shortId);
  const stateIds = new Map<string, string>();
  p.states.forEach((s, position) => {
    stateIds.set(s.shortId, add('states', `${procedureId}/${s.shortId}`, `state ${p.shortId}.${s.shortId}`, {
      procedure_id: procedureId, short_id: s.shortId, name: s.name, position,
    }));
  });
  const attributeIds = planAttributes(add, 'procedure', procedureId, p.shortId, p.attributes);
  const fieldIds = new Map(attributeIds);
  p.derivedAttributes.forEach((d, position) => {
    fieldIds.set(d.shortId, add('derived_attributes', `${procedureId}/${d.shortId}`, `derived attribute ${p.shortId}.${d.shortId}`, {
      owner_kind: 'procedure', owner_id: procedureId, short_id: d.shortId, name: d.name, type: d.type, expression: d.expression, position,
    }));
  });
  p.attributeGroups.forEach((g, position) => {
    add('attribute_groups', `${procedureId}/${g.shortId}`, `attribute group ${p.shortId}.${g.shortId}`, {
      owner_kind: 'procedure', owner_id: procedureId, short_id: g.shortId, name: g.name,
      attribute_ids: json(g.attributes.map((a) => fieldIds.get(a))), position,
    });
  });
  for (const t of p.stateTasks) {
    const stateTaskId = add('state_tasks', `${procedureId}/${t.shortId}`, `state task ${p.shortId}.${t.shortId}`, {
      procedure_id: procedureId, short_id: t.shortId, name: t.name,
      task_type_id: t.taskType ? taskTypeIds.get(t.taskType) : null,
      state_ids: json(t.states.map((s) => stateIds.get(s))),
    });
    planAttributes(add, 'stateTask', stateTaskId, `${p.shortId}.${t.shortId}`, t.attributes);
  }
  add('procedures', p.shortId, `procedure ${p.shortId}`, {
    short_id: p.shortId, name: p.name,
    entity_id: p.entity ? entityIds.get(p.entity) : null,
    primary_key_attribute_id: p.primaryKey ? attributeIds.get(p.primaryKey) : null,
    primary_identifier_attribute_id: p.primaryIdentifier ? (fieldIds.get(p.primaryIdentifier) ?? null) : null,
    phone_attribute_id: p.phoneAttribute ? attributeIds.get(p.phoneAttribute) : null,
    default_start_state_id: p.defaultStartState ? stateIds.get(p.defaultStartState) : null,
    default_completed_state_id: p.defaultCompletedState ? stateIds.get(p.defaultCompletedState) : null,
  });
}
