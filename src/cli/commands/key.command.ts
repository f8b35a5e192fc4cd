import type { ApiKeyView } from '../../platform/api-keys/index.ts';
import { expectPositionals, parseCommandArgs, requireString } from '../args.ts';
import { UsageError, type CliIo, type Env } from '../cli-io.ts';
import { withRuntime } from '../with-runtime.ts';

export const KEY_USAGE = `Usage:
  chakra key create --team <slug> --name <name> --role <roleShortId> [--user <username>] [--description <text>] [--json]
  chakra key list --team <slug> [--json]
  chakra key revoke --team <slug> <keyId>

create  prints only the new token on stdout (shown once; store it safely), or with --json an
        object {id, token, name, role, user, ...}. Without --user the key acts as its own
        service user, hidden from user lists.
list    prints the team's keys (never their tokens).
revoke  revokes a key and its tokens; running servers refuse them within a second.`;

export async function runKeyCommand(argv: readonly string[], env: Env, io: CliIo): Promise<number> {
  const [action, ...rest] = argv;
  if (action === '--help' || action === '-h') {
    io.out(KEY_USAGE);
    return 0;
  }
  // Checked before the options so `chakra key` and a typo name the real problem.
  if (action === undefined) throw new UsageError('expected a command: create, list or revoke', KEY_USAGE);
  if (!['create', 'list', 'revoke'].includes(action)) throw new UsageError(`unknown key command "${action}"`, KEY_USAGE);
  const parsed = parseCommandArgs(rest, {
    team: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, user: { type: 'string' },
    description: { type: 'string' }, json: { type: 'boolean' },
  }, KEY_USAGE);
  if (parsed.help) {
    io.out(KEY_USAGE);
    return 0;
  }
  const team = requireString(parsed, 'team', KEY_USAGE);
  switch (action) {
    case 'create': {
      expectPositionals(parsed, 0, '', KEY_USAGE);
      const input = {
        teamSlug: team, name: requireString(parsed, 'name', KEY_USAGE), roleShortId: requireString(parsed, 'role', KEY_USAGE),
        username: parsed.values.user as string | undefined, description: parsed.values.description as string | undefined,
      };
      const key = await withRuntime(env, (rt) => rt.services.apiKeys.createKey(input));
      io.out(parsed.values.json ? JSON.stringify(key) : key.token);
      io.err(`Created key ${key.id} (${key.name}, role ${key.role}, acting as ${key.user}). The token is shown only once.`);
      return 0;
    }
    case 'list': {
      expectPositionals(parsed, 0, '', KEY_USAGE);
      const keys = await withRuntime(env, (rt) => rt.services.apiKeys.listKeys(team));
      io.out(parsed.values.json ? JSON.stringify(keys) : formatKeys(keys));
      return 0;
    }
    case 'revoke': {
      expectPositionals(parsed, 1, '<keyId>', KEY_USAGE);
      const keyId = parsed.positionals[0];
      await withRuntime(env, (rt) => rt.services.apiKeys.revokeKey(team, keyId));
      io.err(`Revoked key ${keyId}.`);
      return 0;
    }
    default:
      throw new UsageError(`unknown key command "${action}"`, KEY_USAGE);
  }
}

function formatKeys(keys: readonly ApiKeyView[]): string {
  if (keys.length === 0) return 'No keys.';
  const rows = keys.map((k) => [k.id, k.name, k.role, k.user, new Date(k.createdAt).toISOString(), k.revokedAt ? 'revoked' : 'active']);
  const header = ['ID', 'NAME', 'ROLE', 'USER', 'CREATED', 'STATUS'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}
