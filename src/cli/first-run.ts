import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Runtime } from '../runtime.ts';
import { createTeamsRepo } from '../platform/teams/index.ts';

const DEMO_SLUG = 'demo';

/** The demo team's WhatsApp plugin, for the example printed at the first start. */
export interface DemoPlugin {
  readonly id: string;
  readonly phoneNumberId: string;
}

export async function demoPlugin(runtime: Runtime): Promise<DemoPlugin | null> {
  const [plugin] = await runtime.services.plugins.list(DEMO_SLUG);
  return plugin && plugin.phoneNumbers.length > 0 ? { id: plugin.id, phoneNumberId: plugin.phoneNumbers[0].whatsappPhoneNumberId } : null;
}
const DEMO_FILE = fileURLToPath(new URL('../../examples/demo.yaml', import.meta.url));

/**
 * On the first start of the embedded mode creates the demo team from examples/demo.yaml and an
 * admin key, and writes its token to `$DATA_DIR/demo-token` (0600). Returns the token file, or
 * null when nothing was created (always with DATABASE_URL).
 *
 * "First start" means no team yet, or only the demo team without any key: a first start that
 * stopped between applying the file and creating the key is completed by the next one
 * (re-applying the file changes nothing that is already there). The token file is written
 * under another name and renamed, so it is never found half-written.
 */
export async function seedDemoOnFirstRun(runtime: Runtime): Promise<string | null> {
  const { config } = runtime;
  if (config.database.url !== undefined) return null;
  if (!(await demoIsIncomplete(runtime))) return null;

  const text = fs.readFileSync(DEMO_FILE, 'utf8');
  await runtime.services.teamConfig.apply({ teamSlug: DEMO_SLUG, text, env: {} });
  const key = await runtime.services.apiKeys.createKey({ teamSlug: DEMO_SLUG, name: 'demo admin', roleShortId: 'admin' });
  const tokenFile = path.join(config.storage.dataDir, 'demo-token');
  const partFile = `${tokenFile}.part`;
  fs.writeFileSync(partFile, `${key.token}\n`, { mode: 0o600 });
  fs.chmodSync(partFile, 0o600);
  fs.renameSync(partFile, tokenFile);
  return tokenFile;
}

async function demoIsIncomplete(runtime: Runtime): Promise<boolean> {
  const teams = createTeamsRepo(runtime.db);
  const count = await teams.count();
  if (count === 0) return true;
  if (count > 1 || !(await teams.findBySlug(DEMO_SLUG))) return false;
  return (await runtime.services.apiKeys.listKeys(DEMO_SLUG)).length === 0;
}

/**
 * What to print after the demo was created. `baseUrl` is where the server really listens (it
 * differs from the configured URL when PORT=0 picked a free port), so the example works as is.
 */
export function demoInstructions(tokenFile: string, baseUrl: string, demoPlugin: DemoPlugin | null = null): string[] {
  const shown = path.relative(process.cwd(), tokenFile);
  const tokenPath = shown.startsWith('..') ? tokenFile : `./${shown}`;
  const auth = `-H "Authorization: Bearer $(cat ${tokenPath})"`;
  return [
    '',
    `Created the demo team "demo" (examples/demo.yaml) and an admin API key.`,
    `Its token is in ${tokenPath} (readable only by you). Try:`,
    '',
    `  curl -s ${auth} ${baseUrl}/v1/ext/users`,
    ...(demoPlugin ? [
      '',
      'Send a WhatsApp template through the built-in sandbox (nothing leaves this machine):',
      '',
      `  curl -s ${auth} -H "Content-Type: application/json" \\`,
      `    -d '{"whatsappPhoneNumberId": "${demoPlugin.phoneNumberId}", "templateName": "hello_world"}' \\`,
      `    ${baseUrl}/v1/ext/plugin/whatsapp/${demoPlugin.id}/phoneNumber/919900000000/send-template-message`,
    ] : []),
    '',
    `API reference: ${baseUrl}/docs`,
    '',
  ];
}
