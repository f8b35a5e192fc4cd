import type { AttributeTypeName } from '../attributes/attribute-types.ts';

/**
 * A config file after validation (CONFIG.md): every optional list is present, names default to
 * the shortId, and references between objects are known to resolve, so code that applies it
 * never re-checks the file.
 */
export interface TeamConfigFile {
  team: TeamSpec;
  roles: RoleSpec[];
  pods: PodSpec[];
  users: UserSpec[];
  entities: EntitySpec[];
  procedures: ProcedureSpec[];
  taskTypes: TaskTypeSpec[];
}

export interface TeamSpec {
  slug: string;
  name: string;
  timezone: string;
  defaultCountryCode: string;
}

export const ROLE_TYPES = ['ADMIN', 'MANAGER', 'USER'] as const;
export type RoleType = (typeof ROLE_TYPES)[number];

export interface RoleSpec {
  shortId: string;
  name: string;
  type: RoleType;
}

export interface PodSpec {
  shortId: string;
  name: string;
}

export interface TaskTypeSpec {
  shortId: string;
  name: string;
}

export interface UserSpec {
  username: string;
  firstName: string;
  lastName: string;
  middleName: string;
  displayName: string;
  email: string | null;
  /** Digits only: `+`, spaces, dashes and brackets are stripped. */
  phone: string | null;
  role: string | null;
  pods: string[];
  /** The manager's username, spelled as in that user's own entry. */
  manager: string | null;
  timezone: string;
  isActive: boolean;
}

export interface AutoGenerateSpec {
  prefix: string;
  digits: number;
}

export interface AttributeSpec {
  shortId: string;
  name: string;
  type: AttributeTypeName;
  required: boolean;
  options: (string | number)[] | null;
  autoGenerate: AutoGenerateSpec | null;
  schema: Record<string, unknown> | null;
}

export interface DerivedAttributeSpec {
  shortId: string;
  name: string;
  type: AttributeTypeName;
  expression: string;
}

export interface AttributeGroupSpec {
  shortId: string;
  name: string;
  attributes: string[];
}

export interface EntitySpec {
  shortId: string;
  name: string;
  primaryKey: string | null;
  phoneAttribute: string | null;
  attributes: AttributeSpec[];
}

export interface StateSpec {
  shortId: string;
  name: string;
}

export interface StateTaskSpec {
  shortId: string;
  name: string;
  taskType: string | null;
  states: string[];
  attributes: AttributeSpec[];
}

export interface ProcedureSpec {
  shortId: string;
  name: string;
  entity: string | null;
  primaryKey: string | null;
  primaryIdentifier: string | null;
  phoneAttribute: string | null;
  defaultStartState: string | null;
  defaultCompletedState: string | null;
  states: StateSpec[];
  attributes: AttributeSpec[];
  derivedAttributes: DerivedAttributeSpec[];
  attributeGroups: AttributeGroupSpec[];
  stateTasks: StateTaskSpec[];
}
