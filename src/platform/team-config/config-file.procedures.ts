import { PRIMARY_KEY_TYPES, readAttributeList, readDerivedAttributeList } from './config-file.attributes.ts';
import {
  checkReference,
  fieldPath,
  itemPath,
  readList,
  readMapping,
  readName,
  readShortId,
  readString,
  readStringList,
  reportDuplicates,
  shortIdsOf,
  valuesOf,
  type Located,
  type Mapping,
  type Problems,
} from './config-file.read.ts';
import type {
  AttributeGroupSpec,
  AttributeSpec,
  EntitySpec,
  ProcedureSpec,
  StateSpec,
  StateTaskSpec,
} from './config-file.types.ts';

export interface ProcedureReferences {
  entities: ReadonlySet<string>;
  taskTypes: ReadonlySet<string>;
}

const ENTITY_FIELDS = ['shortId', 'name', 'primaryKey', 'phoneAttribute', 'attributes'] as const;
const PROCEDURE_FIELDS = [
  'shortId',
  'name',
  'entity',
  'primaryKey',
  'primaryIdentifier',
  'phoneAttribute',
  'defaultStartState',
  'defaultCompletedState',
  'states',
  'attributes',
  'derivedAttributes',
  'attributeGroups',
  'stateTasks',
] as const;

export function readEntity(raw: unknown, path: string, p: Problems): EntitySpec | null {
  const m = readMapping(raw, path, p, ENTITY_FIELDS);
  if (m === null) return null;
  const shortId = readShortId(m, path, p);
  const attributes = readAttributeList(m, path, p);
  return {
    shortId,
    name: readName(m, path, p, shortId),
    primaryKey: readPrimaryKey(m, path, p, attributes),
    phoneAttribute: readAttributeReference(m, 'phoneAttribute', path, p, attributes),
    attributes: valuesOf(attributes),
  };
}

export function readProcedure(raw: unknown, path: string, p: Problems, refs: ProcedureReferences): ProcedureSpec | null {
  const m = readMapping(raw, path, p, PROCEDURE_FIELDS);
  if (m === null) return null;
  const shortId = readShortId(m, path, p);
  const entity = readString(m, 'entity', path, p);
  checkReference(entity, refs.entities, fieldPath(path, 'entity'), 'entity', p);
  const states = readStates(m, path, p);
  const stateIds = shortIdsOf(states);
  const attributes = readAttributeList(m, path, p);
  const derivedAttributes = readDerivedAttributeList(m, path, p, shortIdsOf(attributes));
  const groupable = new Set([...shortIdsOf(attributes), ...shortIdsOf(derivedAttributes)]);
  const attributeGroups = readList(m, 'attributeGroups', path, p, (item, at) => readAttributeGroup(item, at, p, groupable));
  reportDuplicates(attributeGroups, 'shortId', (group) => group.shortId, p);
  const stateTasks = readList(m, 'stateTasks', path, p, (item, at) => readStateTask(item, at, p, stateIds, refs));
  reportDuplicates(stateTasks, 'shortId', (task) => task.shortId, p);
  return {
    shortId,
    name: readName(m, path, p, shortId),
    entity,
    primaryKey: readPrimaryKey(m, path, p, attributes),
    primaryIdentifier: readAttributeReference(m, 'primaryIdentifier', path, p, attributes),
    phoneAttribute: readAttributeReference(m, 'phoneAttribute', path, p, attributes),
    // Without a start state every new process would need one named; the first state is the natural one.
    defaultStartState: readStateReference(m, 'defaultStartState', path, p, stateIds) ?? states[0]?.value.shortId ?? null,
    defaultCompletedState: readStateReference(m, 'defaultCompletedState', path, p, stateIds),
    states: valuesOf(states),
    attributes: valuesOf(attributes),
    derivedAttributes: valuesOf(derivedAttributes),
    attributeGroups: valuesOf(attributeGroups),
    stateTasks: valuesOf(stateTasks),
  };
}

function readStates(m: Mapping, path: string, p: Problems): Located<StateSpec>[] {
  const states = readList(m, 'states', path, p, (raw, at) => readState(raw, at, p));
  reportDuplicates(states, 'shortId', (state) => state.shortId, p);
  const written = m.states;
  if (written === undefined || written === null || (Array.isArray(written) && written.length === 0)) {
    p.push(`${fieldPath(path, 'states')}: a procedure needs at least one state`);
  }
  return states;
}

function readState(raw: unknown, path: string, p: Problems): StateSpec | null {
  const m = readMapping(raw, path, p, ['shortId', 'name']);
  if (m === null) return null;
  const shortId = readShortId(m, path, p);
  return { shortId, name: readName(m, path, p, shortId) };
}

function readAttributeReference(
  m: Mapping,
  key: string,
  path: string,
  p: Problems,
  attributes: readonly Located<AttributeSpec>[],
): string | null {
  const shortId = readString(m, key, path, p);
  checkReference(shortId, shortIdsOf(attributes), fieldPath(path, key), 'attribute', p);
  return shortId;
}

function readPrimaryKey(m: Mapping, path: string, p: Problems, attributes: readonly Located<AttributeSpec>[]): string | null {
  const shortId = readAttributeReference(m, 'primaryKey', path, p, attributes);
  const attribute = attributes.find((item) => item.value.shortId === shortId)?.value;
  if (attribute !== undefined && !PRIMARY_KEY_TYPES.includes(attribute.type)) {
    p.push(
      `${fieldPath(path, 'primaryKey')}: attribute "${attribute.shortId}" is of type ${attribute.type}; a primary key must be of type ${PRIMARY_KEY_TYPES.join(', ')}`,
    );
  }
  return shortId;
}

function readStateReference(m: Mapping, key: string, path: string, p: Problems, stateIds: ReadonlySet<string>): string | null {
  const shortId = readString(m, key, path, p);
  checkReference(shortId, stateIds, fieldPath(path, key), 'state', p);
  return shortId;
}

/** A list of shortIds that must each name one of `known`, once. */
function readReferenceList(
  m: Mapping,
  key: string,
  path: string,
  p: Problems,
  known: ReadonlySet<string>,
  what: string,
): string[] {
  const seen = new Set<string>();
  const listPath = fieldPath(path, key);
  return readStringList(m, key, path, p).map(({ value }, index) => {
    const at = itemPath(listPath, index);
    checkReference(value, known, at, what, p);
    if (seen.has(value)) p.push(`${at}: duplicate ${what} "${value}"`);
    seen.add(value);
    return value;
  });
}

function readAttributeGroup(
  raw: unknown,
  path: string,
  p: Problems,
  groupable: ReadonlySet<string>,
): AttributeGroupSpec | null {
  const m = readMapping(raw, path, p, ['shortId', 'name', 'attributes']);
  if (m === null) return null;
  const shortId = readShortId(m, path, p);
  return {
    shortId,
    name: readName(m, path, p, shortId),
    attributes: readReferenceList(m, 'attributes', path, p, groupable, 'attribute'),
  };
}

function readStateTask(
  raw: unknown,
  path: string,
  p: Problems,
  stateIds: ReadonlySet<string>,
  refs: ProcedureReferences,
): StateTaskSpec | null {
  const m = readMapping(raw, path, p, ['shortId', 'name', 'taskType', 'states', 'attributes']);
  if (m === null) return null;
  const shortId = readShortId(m, path, p);
  const taskType = readString(m, 'taskType', path, p);
  checkReference(taskType, refs.taskTypes, fieldPath(path, 'taskType'), 'task type', p);
  return {
    shortId,
    name: readName(m, path, p, shortId),
    taskType,
    states: readReferenceList(m, 'states', path, p, stateIds, 'state'),
    attributes: valuesOf(readAttributeList(m, path, p)),
  };
}
