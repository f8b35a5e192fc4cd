import { substituteVariables } from './config-file.env.ts';
import {
  describeKind,
  fieldPath,
  isMapping,
  readBoolean,
  readList,
  readMapping,
  readName,
  readOneOf,
  readString,
  reportDuplicates,
  valuesOf,
  type Mapping,
  type Problems,
} from './config-file.read.ts';
import {
  PLUGIN_SECRET_FIELDS, PLUGIN_TYPES, type PhoneNumberSpec, type PluginSecretField, type PluginSpec, type SecretSpec, type WebhookSettings,
} from './config-file.types.ts';
import { nonPublicHostProblem } from '../../shared/network-addresses.ts';

type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_GRAPH_API_URL = 'https://graph.facebook.com';
/** The Graph API base that means the built-in sandbox (SANDBOX.md). */
export const SANDBOX_GRAPH_API_URL = 'sandbox:';

/**
 * Names the Chakra webhook acts on: `message` and `deliveryStatus` (`status` is taken as another
 * name for it, as some clients send it). Other names are kept as given and never sent, so a
 * client that lists kinds this server does not know is not refused.
 */
export const CHAKRA_WEBHOOK_EVENT_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
export const DEFAULT_CHAKRA_WEBHOOK_EVENTS: readonly string[] = ['message', 'deliveryStatus'];
const MAX_URL_LENGTH = 2048;
const DIGITS = /^\d{1,32}$/;

export const EMPTY_WEBHOOK_SETTINGS: WebhookSettings = {
  passThroughWebhookUrl: null,
  enableMessageEchoesForPassThroughWebhook: false,
  chakraWebhookUrl: null,
  enableChakraWebhook: false,
  whichChakraWebhookEventsToSend: [...DEFAULT_CHAKRA_WEBHOOK_EVENTS],
};

const PLUGIN_FIELDS = ['type', 'name', 'wabaId', 'phoneNumbers', ...PLUGIN_SECRET_FIELDS, 'graphApiUrl', 'leadProcedure', 'webhooks'] as const;
const WEBHOOK_FIELDS = Object.keys(EMPTY_WEBHOOK_SETTINGS);

/** Where webhook URLs may point: WEBHOOK_ALLOW_PRIVATE_URLS lets them name this machine or network. */
export interface WebhookUrlRules {
  readonly allowPrivateUrls: boolean;
}

/**
 * Why `url` cannot be a webhook endpoint, or null. Only literal addresses and `localhost` are
 * refused here; what a name resolves to is checked again when each delivery connects.
 */
export function webhookUrlProblem(url: string, rules: WebhookUrlRules): string | null {
  const problem = httpUrlProblem(url);
  if (problem || rules.allowPrivateUrls) return problem;
  const hostProblem = nonPublicHostProblem(new URL(url).hostname);
  return hostProblem ? `must not point to a loopback or private address (${hostProblem}); WEBHOOK_ALLOW_PRIVATE_URLS=true allows it` : null;
}

/** Why `url` is not an http(s) URL without credentials, or null. */
function httpUrlProblem(url: string): string | null {
  if (url.length > MAX_URL_LENGTH) return `expected a URL of at most ${MAX_URL_LENGTH} characters`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `expected an http:// or https:// URL, got "${url}"`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `expected an http:// or https:// URL, got "${url}"`;
  if (parsed.username !== '' || parsed.password !== '') return 'must not carry a user name or password';
  return null;
}

/** Why `url` cannot be a Graph API base, or null: an http(s) URL without a path, or `sandbox:`. */
function graphApiUrlProblem(url: string): string | null {
  if (url === SANDBOX_GRAPH_API_URL) return null;
  const problem = httpUrlProblem(url);
  if (problem) return `${problem.replace('expected an', 'expected "sandbox:" or an')}`;
  return null;
}

/**
 * The `plugins:` list. `${VAR}` references are replaced here rather than with the rest of the
 * file, so each secret keeps the reference it was written with (`config export` writes it back).
 */
export function readPlugins(root: Mapping, env: Env, p: Problems, procedures: ReadonlySet<string>, rules: WebhookUrlRules): PluginSpec[] {
  const plugins = readList(root, 'plugins', '', p, (raw, at) => readPlugin(raw, at, env, p, procedures, rules));
  reportDuplicates(plugins, 'wabaId', (plugin) => plugin.wabaId, p);
  const phones = plugins.flatMap((plugin) => plugin.value.phoneNumbers.map((phone, index) => ({
    value: phone, path: fieldPath(plugin.path, `phoneNumbers[${index}]`),
  })));
  reportDuplicates(phones, 'whatsappPhoneNumberId', (phone) => phone.whatsappPhoneNumberId, p);
  return valuesOf(plugins);
}

function readPlugin(raw: unknown, path: string, env: Env, p: Problems, procedures: ReadonlySet<string>, rules: WebhookUrlRules): PluginSpec | null {
  const m = readMapping(raw, path, p, PLUGIN_FIELDS);
  if (m === null) return null;
  readOneOf(m, 'type', path, p, PLUGIN_TYPES);
  const plain = substituteVariables(Object.fromEntries(Object.entries(m).filter(([k]) => !isSecretField(k))), path, env, p) as Mapping;
  const wabaId = readDigits(plain, 'wabaId', path, p) ?? '';
  const graphApiUrl = readString(plain, 'graphApiUrl', path, p) ?? DEFAULT_GRAPH_API_URL;
  const graphProblem = graphApiUrlProblem(graphApiUrl);
  if (graphProblem) p.push(`${fieldPath(path, 'graphApiUrl')}: ${graphProblem}`);
  const leadProcedure = readString(plain, 'leadProcedure', path, p);
  if (leadProcedure !== null && !procedures.has(leadProcedure)) p.push(`${fieldPath(path, 'leadProcedure')}: unknown procedure "${leadProcedure}"`);
  const phoneNumbers = valuesOf(readList(plain, 'phoneNumbers', path, p, (item, at) => readPhoneNumber(item, at, p)));
  if (phoneNumbers.length === 0 && isMapping(raw)) p.push(`${fieldPath(path, 'phoneNumbers')}: expected at least one phone number`);
  const secret = (field: PluginSecretField, required: boolean) => readSecret(m, field, path, env, p, required);
  return {
    type: 'whatsapp',
    name: readName(plain, path, p, wabaId),
    wabaId,
    phoneNumbers,
    secrets: { accessToken: secret('accessToken', true), appSecret: secret('appSecret', false), verifyToken: secret('verifyToken', false), webhookSecret: secret('webhookSecret', false) },
    graphApiUrl,
    leadProcedure,
    webhooks: plain.webhooks === undefined || plain.webhooks === null ? null : readWebhookSettings(plain.webhooks, fieldPath(path, 'webhooks'), p, rules),
  };
}

const isSecretField = (key: string): key is PluginSecretField => (PLUGIN_SECRET_FIELDS as readonly string[]).includes(key);

function readDigits(m: Mapping, key: string, path: string, p: Problems): string | null {
  // YAML reads an unquoted id as a number; beyond 2^53 it would already have lost digits.
  const raw = m[key];
  const value = typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0 ? String(raw) : raw;
  const at = fieldPath(path, key);
  if (value === undefined || value === null) {
    p.push(`${at}: is required`);
    return null;
  }
  if (typeof value !== 'string' || !DIGITS.test(value)) {
    p.push(`${at}: expected a string of digits (quote it in YAML), got ${typeof value === 'string' ? `"${value}"` : describeKind(raw)}`);
    return null;
  }
  return value;
}

function readPhoneNumber(raw: unknown, path: string, p: Problems): PhoneNumberSpec | null {
  const m = readMapping(raw, path, p, ['whatsappPhoneNumberId', 'displayPhoneNumber']);
  if (m === null) return null;
  const whatsappPhoneNumberId = readDigits(m, 'whatsappPhoneNumberId', path, p) ?? '';
  const display = readDigits(m, 'displayPhoneNumber', path, p) ?? '';
  return { whatsappPhoneNumberId, displayPhoneNumber: display };
}

function readSecret(m: Mapping, field: PluginSecretField, path: string, env: Env, p: Problems, required: boolean): SecretSpec | null {
  const written = readString(m, field, path, p, required);
  if (written === null) return null;
  const value = substituteVariables(written, fieldPath(path, field), env, p) as string;
  if (value === '') {
    if (required) p.push(`${fieldPath(path, field)}: must not be empty`);
    return null;
  }
  return { value, reference: written.includes('${') ? written : null };
}

/** The webhook settings of a plugin; keys left out take their defaults. */
export function readWebhookSettings(raw: unknown, path: string, p: Problems, rules: WebhookUrlRules): WebhookSettings {
  const m = readMapping(raw, path, p, WEBHOOK_FIELDS);
  if (m === null) return EMPTY_WEBHOOK_SETTINGS;
  const url = (key: string): string | null => {
    const value = readString(m, key, path, p);
    if (value === null || value === '') return null;
    const problem = webhookUrlProblem(value, rules);
    if (problem) p.push(`${fieldPath(path, key)}: ${problem}`);
    return value;
  };
  const events = m.whichChakraWebhookEventsToSend;
  // Read in the fields' order, so problems are listed as they appear.
  return {
    passThroughWebhookUrl: url('passThroughWebhookUrl'),
    enableMessageEchoesForPassThroughWebhook: readBoolean(m, 'enableMessageEchoesForPassThroughWebhook', path, p, false),
    chakraWebhookUrl: url('chakraWebhookUrl'),
    enableChakraWebhook: readBoolean(m, 'enableChakraWebhook', path, p, false),
    whichChakraWebhookEventsToSend: events === undefined || events === null
      ? [...DEFAULT_CHAKRA_WEBHOOK_EVENTS]
      : readEventNames(events, fieldPath(path, 'whichChakraWebhookEventsToSend'), p),
  };
}

function readEventNames(raw: unknown, path: string, p: Problems): string[] {
  if (!Array.isArray(raw) || raw.length > 32) {
    p.push(`${path}: expected a list of at most 32 event names, got ${describeKind(raw)}`);
    return [...DEFAULT_CHAKRA_WEBHOOK_EVENTS];
  }
  const names: string[] = [];
  raw.forEach((name: unknown, index) => {
    if (typeof name === 'string' && CHAKRA_WEBHOOK_EVENT_PATTERN.test(name)) {
      if (!names.includes(name)) names.push(name);
    } else {
      p.push(`${path}[${index}]: expected an event name such as "message" or "deliveryStatus", got ${typeof name === 'string' ? `"${name}"` : describeKind(name)}`);
    }
  });
  return names;
}
