import type { SecretPurpose } from '../../shared/secret-box.ts';
import type { PluginSecretField, WebhookSettings } from '../../platform/team-config/index.ts';
import type { PhoneNumberRow, PluginRow } from './plugins.repo.ts';

type ReadJson = (value: unknown) => unknown;

/** Each secret is sealed under its own derived key. */
export const SECRET_PURPOSE: Record<PluginSecretField, SecretPurpose> = {
  accessToken: 'whatsapp-access-token',
  appSecret: 'whatsapp-app-secret',
  verifyToken: 'whatsapp-verify-token',
  webhookSecret: 'webhook-secret',
};

const readList = (value: unknown, readJson: ReadJson): string[] => {
  const parsed = typeof value === 'string' ? JSON.parse(value) : readJson(value);
  return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
};

export function settingsOf(row: PluginRow, readJson: ReadJson): WebhookSettings {
  return {
    passThroughWebhookUrl: row.pass_through_webhook_url,
    enableMessageEchoesForPassThroughWebhook: row.enable_message_echoes === 1,
    chakraWebhookUrl: row.chakra_webhook_url,
    enableChakraWebhook: row.enable_chakra_webhook === 1,
    whichChakraWebhookEventsToSend: readList(row.chakra_webhook_events, readJson),
  };
}

export function settingsColumns(settings: WebhookSettings) {
  return {
    pass_through_webhook_url: settings.passThroughWebhookUrl,
    enable_message_echoes: settings.enableMessageEchoesForPassThroughWebhook ? 1 : 0,
    chakra_webhook_url: settings.chakraWebhookUrl,
    enable_chakra_webhook: settings.enableChakraWebhook ? 1 : 0,
    chakra_webhook_events: JSON.stringify(settings.whichChakraWebhookEventsToSend),
  } as const;
}

const phoneNumbersOf = (phones: readonly PhoneNumberRow[]) =>
  phones.map((p) => ({ whatsappPhoneNumberId: p.phone_number_id, displayPhoneNumber: p.display_phone_number }));

/** Get Plugin Config (API.md §8.4): the webhook settings and the plugin's identity; never a secret. */
export function toPluginConfigWire(row: PluginRow, phones: readonly PhoneNumberRow[], readJson: ReadJson) {
  return {
    ...settingsOf(row, readJson),
    pluginId: row.id,
    name: row.name,
    wabaId: row.waba_id,
    phoneNumbers: phoneNumbersOf(phones),
  };
}

/** What `chakra plugin list|show` prints: everything but the secrets, which it says are set or not. */
export function toPluginSummary(row: PluginRow, phones: readonly PhoneNumberRow[], leadProcedure: string | null, readJson: ReadJson) {
  return {
    id: row.id,
    name: row.name,
    wabaId: row.waba_id,
    phoneNumbers: phoneNumbersOf(phones),
    graphApiUrl: row.graph_api_url,
    leadProcedure,
    secretsSet: {
      accessToken: row.access_token !== '',
      appSecret: row.app_secret !== null,
      verifyToken: row.verify_token !== null,
      webhookSecret: row.webhook_secret !== null,
    },
    webhooks: settingsOf(row, readJson),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export type PluginSummary = ReturnType<typeof toPluginSummary>;
