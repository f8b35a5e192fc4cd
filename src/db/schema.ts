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

/**
 * Counters that move whenever something processes cache may have changed: `auth` (keys, users,
 * roles) and `config` (a team's data model). Every process polls them to drop stale caches.
 */
export interface CacheRevisionsTable {
  name: 'auth' | 'config';
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

export interface PhotosTable {
  id: string;
  team_id: string;
  /** The user the uploading key acts as. */
  user_id: string | null;
  filename: string;
  /** As the client declared it (`png`, …); the sniffed type is `mime_type`. */
  filetype: string;
  mime_type: string;
  size: number;
  sha256: string;
  width: number;
  height: number;
  is_public: Flag;
  /** Generated by the server, never from client input. */
  storage_key: string;
  created_at: number;
  updated_at: number;
}

export interface RecordsTable {
  id: string;
  team_id: string;
  entity_id: string;
  data: Json;
  derived_data: Json;
  /** The entity's primary-key value as text, unique among live records of the entity. */
  pk_value: string | null;
  created_by: string | null;
  is_deleted: Flag;
  deleted_at: number | null;
  created_at: number;
  updated_at: number;
}

export type ProcessStatus = 'OPEN' | 'COMPLETED' | 'CANCELLED';

/**
 * A procedure's processes live in a table of their own, named after the procedure's id (see
 * platform/processes/process-tables.ts): a write to one procedure touches only that procedure's
 * indexes, however many procedures and teams the database holds.
 */
export type ProcedureTableName = `proc_${string}`;

export interface ProcessesTable {
  id: string;
  team_id: string;
  procedure_id: string;
  entity_id: string | null;
  record_id: string | null;
  created_by: string | null;
  assigned_to: string | null;
  belongs_to: string | null;
  status: ProcessStatus;
  state_id: string | null;
  next_action_at: number;
  completed_at: number;
  data: Json;
  derived_data: Json;
  /** The primary-key value as text, unique among live processes of the procedure. */
  pk_value: string | null;
  is_deleted: Flag;
  deleted_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface ProcessHistoryTable {
  id: string;
  team_id: string;
  process_id: string;
  user_id: string | null;
  action: 'create' | 'update' | 'delete';
  changes: Json;
  created_at: number;
}

export interface SequencesTable {
  attribute_id: string;
  team_id: string;
  /** The last value handed out. */
  value: number;
}

export interface TasksTable {
  id: string;
  team_id: string;
  procedure_id: string;
  process_id: string;
  record_id: string | null;
  state_task_id: string;
  task_type_id: string | null;
  title: string;
  description: string;
  status: ProcessStatus;
  data: Json;
  derived_data: Json;
  created_by: string | null;
  assigned_to: string | null;
  belongs_to: string | null;
  starts_at: number;
  ends_at: number;
  due_by: number;
  started_at: number;
  completed_at: number;
  cancelled_at: number;
  is_deleted: Flag;
  created_at: number;
  updated_at: number;
}

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

/** The job engine's queue: domain-agnostic work items with leases and retries. */
export interface JobsTable {
  id: string;
  name: string;
  queue: string;
  unique_key: string | null;
  give_up_at: number | null;
  payload: Json;
  status: JobStatus;
  attempts: number;
  max_attempts: number;
  run_at: number;
  locked_by: string | null;
  locked_until: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

export type JobCompletionStatus = 'NOT_STARTED' | 'IN_PROGRESS' | 'SUCCESS' | 'CANCELLED' | 'ERROR';
export type EntryCompletionStatus = 'INVALID' | 'NOT_STARTED' | 'IN_PROGRESS' | 'SUCCESS' | 'ERROR' | 'CANCELLED';

export interface BackgroundJobsTable {
  id: string;
  team_id: string;
  type: string;
  api_type: 'process:ext-create' | 'process:ext-update';
  procedure_id: string;
  created_by: string | null;
  completion_status: JobCompletionStatus;
  status_message: string | null;
  total_entries: number;
  /** How many engine jobs share the entries (entries of one process share a partition). */
  partitions: number;
  retry_of: string | null;
  started_at: number;
  completed_at: number;
  count_invalid: number;
  count_not_started: number;
  count_in_progress: number;
  count_success: number;
  count_error: number;
  count_cancelled: number;
  created_at: number;
  updated_at: number;
}

export interface BackgroundJobEntriesTable {
  id: string;
  team_id: string;
  background_job_id: string;
  idx: number;
  partition: number;
  api_data: Json;
  validation_status: 'SUCCESS' | 'ERROR' | 'NOT_STARTED';
  validation_message: string;
  completion_status: EntryCompletionStatus;
  completion_message: string;
  process_id: string | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface WhatsappPluginsTable {
  id: string;
  team_id: string;
  name: string;
  waba_id: string;
  /** `https://graph.facebook.com`, another Graph API base, or `sandbox:` (the built-in sandbox). */
  graph_api_url: string;
  lead_procedure_id: string | null;
  /** Sealed (shared/secret-box.ts), like the three below. */
  access_token: string;
  app_secret: string | null;
  verify_token: string | null;
  webhook_secret: string | null;
  /** The `${VAR}` each secret was read from, by field name, for `config export`. */
  secret_refs: Json;
  pass_through_webhook_url: string | null;
  enable_message_echoes: Flag;
  chakra_webhook_url: string | null;
  enable_chakra_webhook: Flag;
  /** The Chakra webhook's event kinds, as an array of names. */
  chakra_webhook_events: Json;
  created_at: number;
  updated_at: number;
}

export interface WhatsappPhoneNumbersTable {
  team_id: string;
  phone_number_id: string;
  plugin_id: string;
  display_phone_number: string;
  created_at: number;
}

export const DELIVERY_STATUSES = ['PENDING', 'SENT', 'DELIVERED', 'READ', 'FAILED'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface WhatsappContactsTable {
  id: string;
  team_id: string;
  /** The customer's WhatsApp number: digits with country code. */
  phone: string;
  name: string | null;
  created_at: number;
  updated_at: number;
}

export interface WhatsappChatsTable {
  id: string;
  team_id: string;
  plugin_id: string;
  /** The business phone number's id at Meta. */
  phone_number_id: string;
  contact_id: string;
  status: 'OPEN' | 'CLOSED';
  last_message_at: number;
  created_at: number;
  updated_at: number;
}

export interface WhatsappMessagesTable {
  id: string;
  team_id: string;
  plugin_id: string;
  chat_id: string;
  contact_id: string;
  /** Meta's message id (wamid); null until Meta accepted the message. */
  external_id: string | null;
  direction: 'INBOUND' | 'OUTBOUND';
  /** The WhatsApp message type: text, image, template, … */
  data_type: string;
  /** The message object as sent to (or received from) Meta. */
  body: Json;
  text: string | null;
  attachments: Json;
  delivery_status: DeliveryStatus;
  /** Meta's error for a FAILED message (or why no answer came). */
  delivery_error: Json;
  timestamp: number;
  context: Json;
  source: Json;
  user_id: string | null;
  procedure_id: string | null;
  process_id: string | null;
  in_reply_to: string | null;
  created_at: number;
  updated_at: number;
}

export interface WhatsappTemplateRefsTable {
  team_id: string;
  template_id: string;
  plugin_id: string;
  created_at: number;
}

export interface WhatsappPublicMediaTable {
  /** `<team>/<yyyy-mm-dd>/<uuid>.<ext>`, the URL's path under /public-media/. */
  path: string;
  team_id: string;
  plugin_id: string;
  mime_type: string;
  size: number;
  sha256: string;
  filename: string | null;
  storage_key: string;
  created_at: number;
}

export interface WhatsappMediaTable {
  team_id: string;
  /** Meta's media id. */
  media_id: string;
  plugin_id: string;
  mime_type: string;
  size: number;
  sha256: string;
  storage_key: string;
  created_at: number;
}

export const WEBHOOK_DELIVERY_STATUSES = ['PENDING', 'DELIVERED', 'FAILED'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** One event for one of a team's webhook endpoints (API.md §8.4); `body` is sent and signed as stored. */
export interface WebhookDeliveriesTable {
  id: string;
  team_id: string;
  source_id: string;
  endpoint: string;
  url: string;
  event_id: string;
  event_type: string;
  body: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  /** How often the delivery was queued again after failing; part of each replay job's unique key. */
  replays: number;
  last_status_code: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  delivered_at: number | null;
}

/** Every attempt of a delivery: the HTTP status it got, or why none came. */
export interface WebhookDeliveryAttemptsTable {
  delivery_id: string;
  attempt: number;
  started_at: number;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
}

/** A webhook call Meta made, kept as received until it is processed (API.md §8.4). */
export interface WhatsappInboundEventsTable {
  id: string;
  team_id: string;
  plugin_id: string;
  /** The request body exactly as received. */
  body: string;
  /** Hex SHA-256 of the body: the same bytes are kept once. */
  sha256: string;
  received_at: number;
  processed_at: number | null;
}

/** A message template's review or quality event (`message_template_status_update` and the like). */
export interface WhatsappTemplateEventsTable {
  id: string;
  team_id: string;
  plugin_id: string;
  template_id: string;
  name: string | null;
  language: string | null;
  event: string;
  reason: string | null;
  at: number;
  created_at: number;
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
  cache_revisions: CacheRevisionsTable;
  entities: EntitiesTable;
  procedures: ProceduresTable;
  states: StatesTable;
  attributes: AttributesTable;
  derived_attributes: DerivedAttributesTable;
  attribute_groups: AttributeGroupsTable;
  task_types: TaskTypesTable;
  state_tasks: StateTasksTable;
  photos: PhotosTable;
  records: RecordsTable;
  /** One table per procedure, all of this shape. */
  [table: ProcedureTableName]: ProcessesTable;
  process_history: ProcessHistoryTable;
  sequences: SequencesTable;
  tasks: TasksTable;
  jobs: JobsTable;
  background_jobs: BackgroundJobsTable;
  background_job_entries: BackgroundJobEntriesTable;
  whatsapp_plugins: WhatsappPluginsTable;
  whatsapp_phone_numbers: WhatsappPhoneNumbersTable;
  whatsapp_contacts: WhatsappContactsTable;
  whatsapp_chats: WhatsappChatsTable;
  whatsapp_messages: WhatsappMessagesTable;
  whatsapp_template_refs: WhatsappTemplateRefsTable;
  whatsapp_public_media: WhatsappPublicMediaTable;
  whatsapp_media: WhatsappMediaTable;
  whatsapp_inbound_events: WhatsappInboundEventsTable;
  whatsapp_template_events: WhatsappTemplateEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_delivery_attempts: WebhookDeliveryAttemptsTable;
}
