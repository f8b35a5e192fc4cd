import type { ColumnType } from 'kysely';

/**
 * Row types of every table. Conventions (DESIGN.md): ids are text UUIDs, timestamps integer
 * epoch ms, flags 0/1 integers (the same on both dialects), JSON text on SQLite and jsonb on
 * PostgreSQL — written as a JSON string on both, read back through `dialect.readJson`.
 */
export type Json = ColumnType<unknown, string | null, string | null>;
export type Flag = 0 | 1;

export interface TeamsTable {
  id: string;
  slug: string;
  name: string;
  timezone: string;
  default_country_code: string;
  created_at: number;
  updated_at: number;
}

export interface RolesTable {
  id: string;
  team_id: string;
  short_id: string;
  name: string;
  type: 'ADMIN' | 'MANAGER' | 'USER';
  created_at: number;
  updated_at: number;
}

export interface PodsTable {
  id: string;
  team_id: string;
  short_id: string;
  name: string;
  created_at: number;
  updated_at: number;
}

export interface UsersTable {
  id: string;
  team_id: string;
  username: string;
  first_name: string;
  last_name: string;
  middle_name: string;
  display_name: string;
  gender: string;
  dob: number;
  bio: string;
  profile_image_url: string;
  cover_image_url: string;
  timezone: string;
  data: Json;
  onboarding_data: Json;
  is_active: Flag;
  is_deleted: Flag;
  deleted_at: number | null;
  availability_status: 'AVAILABLE' | 'NOT_AVAILABLE' | 'ON_BREAK';
  role_id: string | null;
  manager_id: string | null;
  is_service_account: Flag;
  primary_email_id: string | null;
  primary_phone_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface UserEmailsTable {
  id: string;
  team_id: string;
  user_id: string;
  email: string;
  normalized_email: string;
  type: string;
  is_verified: Flag;
  created_at: number;
  updated_at: number;
}

export interface UserPhonesTable {
  id: string;
  team_id: string;
  user_id: string;
  phone: string;
  type: string;
  is_verified: Flag;
  created_at: number;
  updated_at: number;
}

export interface UserPodsTable {
  team_id: string;
  user_id: string;
  pod_id: string;
}

export interface ApiKeysTable {
  id: string;
  team_id: string;
  name: string;
  description: string;
  role_id: string;
  user_id: string;
  created_at: number;
  updated_at: number;
  revoked_at: number | null;
}

export interface ApiTokensTable {
  id: string;
  team_id: string;
  api_key_id: string;
  /** SHA-256 (hex) of the token; the token itself is never stored. */
  token_hash: string;
  /** The first characters of the token, to tell tokens apart in listings. */
  token_hint: string;
  created_at: number;
  revoked_at: number | null;
}

/** One row (id = 1) whose revision moves whenever cached credentials may have become stale. */
export interface AuthStateTable {
  id: number;
  revision: number;
}

export type OwnerKind = 'procedure' | 'entity' | 'stateTask';

export interface EntitiesTable {
  id: string;
  team_id: string;
  short_id: string;
  name: string;
  primary_key_attribute_id: string | null;
  phone_attribute_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface ProceduresTable {
  id: string;
  team_id: string;
  short_id: string;
  name: string;
  entity_id: string | null;
  primary_key_attribute_id: string | null;
  primary_identifier_attribute_id: string | null;
  phone_attribute_id: string | null;
  default_start_state_id: string | null;
  default_completed_state_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface StatesTable {
  id: string;
  team_id: string;
  procedure_id: string;
  short_id: string;
  name: string;
  position: number;
  created_at: number;
  updated_at: number;
}

export interface AttributesTable {
  id: string;
  team_id: string;
  owner_kind: OwnerKind;
  owner_id: string;
  short_id: string;
  name: string;
  type: string;
  required: Flag;
  options: Json;
  auto_generate: Json;
  schema: Json;
  position: number;
  created_at: number;
  updated_at: number;
}

export interface DerivedAttributesTable {
  id: string;
  team_id: string;
  owner_kind: OwnerKind;
  owner_id: string;
  short_id: string;
  name: string;
  type: string;
  expression: string;
  position: number;
  created_at: number;
  updated_at: number;
}

export interface AttributeGroupsTable {
  id: string;
  team_id: string;
  owner_kind: OwnerKind;
  owner_id: string;
  short_id: string;
  name: string;
  attribute_ids: Json;
  position: number;
  created_at: number;
  updated_at: number;
}

export interface TaskTypesTable {
  id: string;
  team_id: string;
  short_id: string;
  name: string;
  created_at: number;
  updated_at: number;
}

export interface StateTasksTable {
  id: string;
  team_id: string;
  procedure_id: string;
  short_id: string;
  name: string;
  task_type_id: string | null;
  state_ids: Json;
  created_at: number;
  updated_at: number;
}

export interface Database {
  teams: TeamsTable;
  roles: RolesTable;
  pods: PodsTable;
  users: UsersTable;
  user_emails: UserEmailsTable;
  user_phones: UserPhonesTable;
  user_pods: UserPodsTable;
  api_keys: ApiKeysTable;
  api_tokens: ApiTokensTable;
  auth_state: AuthStateTable;
  entities: EntitiesTable;
  procedures: ProceduresTable;
  states: StatesTable;
  attributes: AttributesTable;
  derived_attributes: DerivedAttributesTable;
  attribute_groups: AttributeGroupsTable;
  task_types: TaskTypesTable;
  state_tasks: StateTasksTable;
}
