import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Runtime } from '../../src/runtime.ts';

export const DEMO_YAML = fs.readFileSync(fileURLToPath(new URL('../../examples/demo.yaml', import.meta.url)), 'utf8');

/**
 * The demo config with another team slug, so one database can hold several teams, and without
 * its sandbox plugin: tests that need plugins add their own (test/support/plugins.ts).
 */
export function demoConfigFor(slug: string): string {
  return DEMO_YAML.replace(/^ {2}slug: demo$/m, `  slug: ${slug}`).replace(/\n(# [^\n]*\n)*plugins:\n[\s\S]*$/, '\n');
}

export interface SeededTeam {
  slug: string;
  teamId: string;
  /** One token per role type: ADMIN acts as a service user, MANAGER as ravi, USER as john. */
  tokens: { admin: string; manager: string; user: string };
  userIds: { priya: string; ravi: string; john: string };
}

/** A team like the demo one (three users priya → ravi → john) with a key for each role type. */
export async function seedTeam(runtime: Runtime, slug: string): Promise<SeededTeam> {
  const { teamConfig, apiKeys, users } = runtime.services;
  const summary = await teamConfig.apply({ teamSlug: slug, text: demoConfigFor(slug), env: {} });
  const admin = await apiKeys.createKey({ teamSlug: slug, name: 'admin key', roleShortId: 'admin' });
  const manager = await apiKeys.createKey({ teamSlug: slug, name: 'manager key', roleShortId: 'sales_manager', username: 'ravi' });
  const user = await apiKeys.createKey({ teamSlug: slug, name: 'agent key', roleShortId: 'inside_sales', username: 'john' });
  const principal = { teamId: summary.teamId, keyId: admin.id, userId: '', roleId: '', roleType: 'ADMIN' as const };
  const list = await users.list(principal, { includeServiceAccounts: false });
  const idOf = (username: string) => list.find((u) => u.username === username)!.id;
  return {
    slug,
    teamId: summary.teamId,
    tokens: { admin: admin.token, manager: manager.token, user: user.token },
    userIds: { priya: idOf('priya'), ravi: idOf('ravi'), john: idOf('john') },
  };
}
