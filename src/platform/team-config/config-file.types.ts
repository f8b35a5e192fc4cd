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
  plugins: PluginSpec[];
}

export interface TeamSpec {
  slug: string;
  name: string;
  timezone: string;
  defaultCountryCode: string;
}

import type { RoleType } from '../../shared/roles.ts';

export { ROLE_TYPES, type RoleType } from '../../shared/roles.ts';

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

export const PLUGIN_TYPES = ['whatsapp'] as const;
export const PLUGIN_SECRET_FIELDS = ['accessToken', 'appSecret', 'verifyToken', 'webhookSecret'] as const;
export type PluginSecretField = (typeof PLUGIN_SECRET_FIELDS)[number];

/** A secret as the file gave it: its value, and the `${VAR}` text it was written as, if any. */
export interface SecretSpec {
  value: string;
  reference: string | null;
}

export interface PhoneNumberSpec {
  whatsappPhoneNumberId: string;
  displayPhoneNumber: string;
}

/** A plugin's outbound webhook settings (API.md §8.4), as `update-config` reads and writes them. */
export interface WebhookSettings {
  passThroughWebhookUrl: string | null;
  enableMessageEchoesForPassThroughWebhook: boolean;
  chakraWebhookUrl: string | null;
  enableChakraWebhook: boolean;
  whichChakraWebhookEventsToSend: string[];
}

/** A WhatsApp plugin; a file names it by its `wabaId` (one plugin per WABA in a team). */
export interface PluginSpec {
  type: (typeof PLUGIN_TYPES)[number];
  name: string;
  wabaId: string;
  phoneNumbers: PhoneNumberSpec[];
  secrets: { accessToken: SecretSpec | null; appSecret: SecretSpec | null; verifyToken: SecretSpec | null; webhookSecret: SecretSpec | null };
  graphApiUrl: string;
  /** A procedure's shortId. */
  leadProcedure: string | null;
  /** null: the file says nothing, and settings made through `update-config` stay. */
  webhooks: WebhookSettings | null;
}
