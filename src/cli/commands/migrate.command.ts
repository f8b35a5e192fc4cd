import { expectPositionals, parseCommandArgs } from '../args.ts';
import type { CliIo, Env } from '../cli-io.ts';
import { withRuntime } from '../with-runtime.ts';

export const MIGRATE_USAGE = `Usage: chakra migrate

Brings the database schema up to date (serve and worker also do this at start, under a lock,
so running it by hand is optional).`;

export async function runMigrateCommand(argv: readonly string[], env: Env, io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(argv, {}, MIGRATE_USAGE);
  if (parsed.help) {
    io.out(MIGRATE_USAGE);
    return 0;
  }
  expectPositionals(parsed, 0, '', MIGRATE_USAGE);
  // Opening the runtime migrates; what is left to do is to say what it did.
  const applied = await withRuntime(env, async (runtime) => runtime.migrationsApplied);
  io.err(applied.length > 0 ? `Applied migrations: ${applied.join(', ')}` : 'Database schema is already up to date.');
  return 0;
}
