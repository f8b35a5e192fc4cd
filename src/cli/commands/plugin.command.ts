import type { PluginSummary } from '../../whatsapp/plugins/index.ts';
import { expectPositionals, parseCommandArgs, requireString } from '../args.ts';
import { UsageError, type CliIo, type Env } from '../cli-io.ts';
import { withRuntime } from '../with-runtime.ts';

export const PLUGIN_USAGE = `Usage:
  chakra plugin list --team <slug> [--json]
  chakra plugin show --team <slug> <pluginId> [--json]

list    prints the team's WhatsApp plugins: id, name, WABA id, phone numbers, Graph API URL.
show    prints one plugin with its webhook settings and which secrets are set.
Secrets are never printed. --json: list prints an array of objects with "id", show one object.
Plugins are created and changed by "chakra config apply" (the file's "plugins:" section).`;

export async function runPluginCommand(argv: readonly string[], env: Env, io: CliIo): Promise<number> {
  const [action, ...rest] = argv;
  if (action === '--help' || action === '-h') {
    io.out(PLUGIN_USAGE);
    return 0;
  }
  if (action === undefined) throw new UsageError('expected a command: list or show', PLUGIN_USAGE);
  if (action !== 'list' && action !== 'show') throw new UsageError(`unknown plugin command "${action}"`, PLUGIN_USAGE);
  const parsed = parseCommandArgs(rest, { team: { type: 'string' }, json: { type: 'boolean' } }, PLUGIN_USAGE);
  if (parsed.help) {
    io.out(PLUGIN_USAGE);
    return 0;
  }
  const team = requireString(parsed, 'team', PLUGIN_USAGE);
  if (action === 'list') {
    expectPositionals(parsed, 0, '', PLUGIN_USAGE);
    const plugins = await withRuntime(env, (rt) => rt.services.plugins.list(team));
    io.out(parsed.values.json ? JSON.stringify(plugins) : formatPlugins(plugins));
    return 0;
  }
  expectPositionals(parsed, 1, '<pluginId>', PLUGIN_USAGE);
  const plugin = await withRuntime(env, (rt) => rt.services.plugins.show(team, parsed.positionals[0]));
  io.out(parsed.values.json ? JSON.stringify(plugin) : formatPlugin(plugin));
  return 0;
}

function formatPlugins(plugins: readonly PluginSummary[]): string {
  if (plugins.length === 0) return 'No plugins.';
  const rows = plugins.map((p) => [p.id, p.name, p.wabaId, p.phoneNumbers.map((n) => `${n.whatsappPhoneNumberId} (+${n.displayPhoneNumber})`).join(', '), p.graphApiUrl]);
  const header = ['ID', 'NAME', 'WABA', 'PHONE NUMBERS', 'GRAPH API'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

function formatPlugin(p: PluginSummary): string {
  const set = (value: boolean) => (value ? 'set' : 'not set');
  const w = p.webhooks;
  return [
    `id:              ${p.id}`,
    `name:            ${p.name}`,
    `wabaId:          ${p.wabaId}`,
    `phoneNumbers:    ${p.phoneNumbers.map((n) => `${n.whatsappPhoneNumberId} (+${n.displayPhoneNumber})`).join(', ')}`,
    `graphApiUrl:     ${p.graphApiUrl}`,
    `leadProcedure:   ${p.leadProcedure ?? '-'}`,
    `secrets:         accessToken ${set(p.secretsSet.accessToken)}, appSecret ${set(p.secretsSet.appSecret)}, verifyToken ${set(p.secretsSet.verifyToken)}, webhookSecret ${set(p.secretsSet.webhookSecret)}`,
    `passThrough:     ${w.passThroughWebhookUrl ?? '-'}${w.enableMessageEchoesForPassThroughWebhook ? ' (with message echoes)' : ''}`,
    `chakraWebhook:   ${w.chakraWebhookUrl ?? '-'} (${w.enableChakraWebhook ? 'enabled' : 'disabled'}; events: ${w.whichChakraWebhookEventsToSend.join(', ') || '-'})`,
  ].join('\n');
}
