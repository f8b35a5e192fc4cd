import fs from 'node:fs';
import type { ApplySummary } from '../../platform/team-config/index.ts';
import { expectPositionals, parseCommandArgs, requireString } from '../args.ts';
import { UsageError, type CliIo, type Env } from '../cli-io.ts';
import { withRuntime } from '../with-runtime.ts';

export const CONFIG_USAGE = `Usage:
  chakra config apply --team <slug> <file> [--dry-run] [--prune] [--force] [--json]
  chakra config export --team <slug>

apply   validates the whole file (YAML or JSON, see CONFIG.md) and applies it: new objects are
        created, changed ones updated; nothing is deleted unless --prune. \${VAR} references
        are read from the environment. --dry-run shows what would change and changes nothing.
        The summary goes to stderr (with --json, as JSON on stdout).
export  prints the team's config as YAML on stdout.`;

export async function runConfigCommand(argv: readonly string[], env: Env, io: CliIo): Promise<number> {
  const [action, ...rest] = argv;
  if (action === '--help' || action === '-h') {
    io.out(CONFIG_USAGE);
    return 0;
  }
  // Checked before the options so `chakra config` and a typo name the real problem.
  if (action === undefined) throw new UsageError('expected a command: apply or export', CONFIG_USAGE);
  if (action !== 'apply' && action !== 'export') throw new UsageError(`unknown config command "${action}"`, CONFIG_USAGE);
  const parsed = parseCommandArgs(rest, {
    team: { type: 'string' }, 'dry-run': { type: 'boolean' }, prune: { type: 'boolean' }, force: { type: 'boolean' }, json: { type: 'boolean' },
  }, CONFIG_USAGE);
  if (parsed.help) {
    io.out(CONFIG_USAGE);
    return 0;
  }
  const teamSlug = requireString(parsed, 'team', CONFIG_USAGE);
  if (action === 'export') {
    expectPositionals(parsed, 0, '', CONFIG_USAGE);
    io.out(await withRuntime(env, (rt) => rt.services.teamConfig.export(teamSlug)));
    return 0;
  }
  expectPositionals(parsed, 1, 'one <file>', CONFIG_USAGE);
  const file = parsed.positionals[0];
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error: unknown) {
    io.err(`${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error)}`);
    return 1;
  }
  const summary = await withRuntime(env, (rt) =>
    rt.services.teamConfig.apply({
      teamSlug, text, env, dryRun: parsed.values['dry-run'] === true, prune: parsed.values.prune === true, force: parsed.values.force === true,
    }),
  );
  if (parsed.values.json) io.out(JSON.stringify(summary));
  else io.err(formatSummary(summary));
  return 0;
}

function formatSummary(s: ApplySummary & { dryRun: boolean }): string {
  const lines = [
    ...s.created.map((l) => `  + ${l}`),
    ...s.updated.map((l) => `  ~ ${l}`),
    ...s.deleted.map((l) => `  - ${l}`),
  ];
  const counts = `${s.created.length} created, ${s.updated.length} updated, ${s.deleted.length} deleted, ${s.unchanged} unchanged`;
  const head = s.dryRun ? `Dry run for team "${s.teamSlug}" (nothing was changed): ${counts}` : `Applied to team "${s.teamSlug}": ${counts}`;
  return [head, ...lines].join('\n');
}
