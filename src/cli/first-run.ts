import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Runtime } from '../runtime.ts';
import { createTeamsRepo } from '../platform/teams/index.ts';

const DEMO_FILE = fileURLToPath(new URL('../../examples/demo.yaml', import.meta.url));

/**
 * On the first start of the embedded mode (no team in the database yet) creates the demo team
 * from examples/demo.yaml and an admin key, writes its token to `$DATA_DIR/demo-token` (0600)
 * and returns the lines to print. With DATABASE_URL nothing is created automatically.
 */
export async function seedDemoOnFirstRun(runtime: Runtime): Promise<string[] | null> {
  const { config } = runtime;
  if (config.database.url !== undefined) return null;
  if ((await createTeamsRepo(runtime.db).count()) > 0) return null;

  const text = fs.readFileSync(DEMO_FILE, 'utf8');
  await runtime.services.teamConfig.apply({ teamSlug: 'demo', text, env: {} });
  const key = await runtime.services.apiKeys.createKey({ teamSlug: 'demo', name: 'demo admin', roleShortId: 'admin' });
  const tokenFile = path.join(config.storage.dataDir, 'demo-token');
  fs.writeFileSync(tokenFile, `${key.token}\n`, { mode: 0o600 });
  fs.chmodSync(tokenFile, 0o600);

  const shown = path.relative(process.cwd(), tokenFile);
  const tokenPath = shown.startsWith('..') ? tokenFile : `./${shown}`;
  const base = config.http.publicUrl;
  return [
    '',
    `Created the demo team "demo" (examples/demo.yaml) and an admin API key.`,
    `Its token is in ${tokenPath} (readable only by you). Try:`,
    '',
    `  curl -s -H "Authorization: Bearer $(cat ${tokenPath})" ${base}/v1/ext/users`,
    '',
    `API reference: ${base}/docs`,
    '',
  ];
}
