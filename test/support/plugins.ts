import type { Runtime } from '../../src/runtime.ts';
import { demoConfigFor } from './factories.ts';

/** Secrets the plugin fixtures are applied with; tests check none of them ever comes back. */
export const PLUGIN_SECRETS = {
  WHATSAPP_ACCESS_TOKEN: 'EAAG-test-access-token-0123456789',
  WHATSAPP_APP_SECRET: 'app-secret-abcdef0123456789',
  WHATSAPP_VERIFY_TOKEN: 'verify-token-42',
  CHAKRA_WEBHOOK_SECRET: 'webhook-secret-xyz',
} as const;

/** A `plugins:` section (CONFIG.md's example shape) for one WABA with the given phone numbers. */
export function pluginsSection(plugins: readonly { wabaId: string; phones: readonly string[]; name?: string; extra?: string; graphApiUrl?: string }[]): string {
  const lines = ['plugins:'];
  for (const p of plugins) {
    lines.push(
      '  - type: whatsapp',
      `    name: ${p.name ?? `Number ${p.wabaId}`}`,
      `    wabaId: "${p.wabaId}"`,
      '    phoneNumbers:',
      ...p.phones.map((id, i) => `      - { whatsappPhoneNumberId: "${id}", displayPhoneNumber: "1555000${String(i).padStart(4, '0')}" }`),
      '    accessToken: ${WHATSAPP_ACCESS_TOKEN}',
      '    appSecret: ${WHATSAPP_APP_SECRET}',
      '    verifyToken: ${WHATSAPP_VERIFY_TOKEN}',
      '    webhookSecret: ${CHAKRA_WEBHOOK_SECRET}',
      `    graphApiUrl: "${p.graphApiUrl ?? 'sandbox:'}"`,
      '    leadProcedure: lead',
      ...(p.extra ? [p.extra] : []),
    );
  }
  return lines.join('\n') + '\n';
}

/** The demo team's config plus plugins, applied to `slug`; returns the plugins' ids by WABA id. */
export async function applyPlugins(
  runtime: Runtime, slug: string, plugins: Parameters<typeof pluginsSection>[0], env: Record<string, string> = PLUGIN_SECRETS,
): Promise<Map<string, string>> {
  await runtime.services.teamConfig.apply({ teamSlug: slug, text: `${demoConfigFor(slug)}\n${pluginsSection(plugins)}`, env });
  const listed = await runtime.services.plugins.list(slug);
  return new Map(listed.map((p) => [p.wabaId, p.id]));
}
