import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Runtime } from '../runtime.ts';
import { createTeamsRepo } from '../platform/teams/index.ts';

const DEMO_FILE = fileURLToPath(new URL('../../examples/demo.yaml', import.meta.url));

/**
 * On the first start of the embedded mode (no team in the database yet) creates the demo team
 * from examples/demo.yaml and an admin key, and writes its token to `$DATA_DIR/demo-token`
 * (0600). Returns the token file, or null when nothing was created (always with DATABASE_URL).
 */
export async function seedDemoOnFirstRun(runtime: Runtime): Promise<string | null> {
  const { config } = runtime;
  if (config.database.url !== undefined) return null;
  if ((await createTeamsRepo(runtime.db).count()) > 0) return null;

  const text = fs.readFileSync(DEMO_FILE, 'utf8');
  await runtime.services.teamConfig.apply({ teamSlug: 'demo', text, env: {} });
  const key = await runtime.services.apiKeys.createKey({ teamSlug: 'demo', name: 'demo admin', roleShortId: 'admin' });
  const tokenFile = path.join(config.storage.dataDir, 'demo-token');
  fs.writeFileSync(tokenFile, `${key.token}\n`, { mode: 0o600 });
  fs.chmodSync(tokenFile, 0o600);
  return tokenFile;
}

/**
 * What to print after the demo was created. `baseUrl` is where the server really listens (it
 * differs from the configured URL when PORT=0 picked a free port), so the example works as is.
 */
export function demoInstructions(tokenFile: string, baseUrl: string): string[] {
  const shown = path.relative(process.cwd(), tokenFile);
  const tokenPath = shown.startsWith('..') ? tokenFile : `./${shown}`;
  return [
    '',
    `Created the demo team "demo" (examples/demo.yaml) and an admin API key.`,
    `Its token is in ${tokenPath} (readable only by you). Try:`,
    '',
    `  curl -s -H "Authorization: Bearer $(cat ${tokenPath})" ${baseUrl}/v1/ext/users`,
    '',
    `API reference: ${baseUrl}/docs`,
    '',
  ];
}
