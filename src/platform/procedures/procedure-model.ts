import type { AttributeTypeName } from '../attributes/attribute-types.ts';

/**
 * A team's data model as the write and query paths use it: every config object resolved and
 * indexed by shortId and id. Built from the config tables and cached per process (see
 * procedure-cache.ts); never mutated.
 */
export interface AttributeModel {
  readonly id: string;
  readonly shortId: string;
  readonly name: string;
  readonly type: AttributeTypeName;
  readonly required: boolean;
  readonly options: readonly (string | number)[] | null;
  readonly autoGenerate: { readonly prefix: string; readonly digits: number } | null;
  /** JSON Schema for json/externalObject/customObject values. */
  readonly schema: Readonly<Record<string, unknown>> | null;
}

export interface DerivedAttributeModel {
  readonly id: string;
  readonly shortId: string;
  readonly name: string;
  readonly type: AttributeTypeName;
  readonly expression: string;
}

export interface StateModel {
  readonly id: string;
  readonly shortId: string;
  readonly name: string;
  readonly position: number;
}

export interface EntityModel {
  readonly id: string;
  readonly shortId: string;
  readonly name: string;
  readonly primaryKey: AttributeModel | null;
  readonly phoneAttribute: AttributeModel | null;
  readonly attributes: ReadonlyMap<string, AttributeModel>;
}

export interface StateTaskModel {
  readonly id: string;
  readonly shortId: string;
  readonly name: string;
  readonly taskTypeId: string | null;
  readonly stateIds: readonly string[];
  readonly attributes: ReadonlyMap<string, AttributeModel>;
}

export interface ProcedureModel {
  readonly id: string;
  readonly teamId: string;
  readonly shortId: string;
  readonly name: string;
  readonly entity: EntityModel | null;
  readonly primaryKey: AttributeModel | null;
  readonly primaryIdentifier: AttributeModel | DerivedAttributeModel | null;
  readonly phoneAttribute: AttributeModel | null;
  readonly defaultStartState: StateModel | null;
  readonly defaultCompletedState: StateModel | null;
  /** By shortId. */
  readonly states: ReadonlyMap<string, StateModel>;
  readonly statesById: ReadonlyMap<string, StateModel>;
  /** By shortId. */
  readonly attributes: ReadonlyMap<string, AttributeModel>;
  /** By shortId. */
  readonly derivedAttributes: ReadonlyMap<string, DerivedAttributeModel>;
  /** By shortId. */
  readonly stateTasks: ReadonlyMap<string, StateTaskModel>;
}

export interface TeamModel {
  readonly id: string;
  readonly slug: string;
  readonly timezone: string;
  readonly defaultCountryCode: string;
  /** By shortId and by id (API paths accept both). */
  readonly procedures: ReadonlyMap<string, ProcedureModel>;
  readonly entities: ReadonlyMap<string, EntityModel>;
}
