import { ConfigError } from '../config/load-config.ts';
import { isAppError } from '../shared/errors.ts';
import { StartupError, VERSION } from '../runtime.ts';
import { UsageError, type CliIo, type Env } from './cli-io.ts';
import { runConfigCommand } from './commands/config.command.ts';
import { runKeyCommand } from './commands/key.command.ts';
import { runMigrateCommand } from './commands/migrate.command.ts';
import { runPluginCommand } from './commands/plugin.command.ts';
import { runSandboxCommand } from './commands/sandbox.command.ts';
import { runServeCommand } from './commands/serve.command.ts';
import { runWorkerCommand } from './commands/worker.command.ts';

export const MAIN_USAGE = `chakra ${VERSION} — a self-hosted ChakraHQ-compatible API server

Usage: chakra <command> [options]

Commands:
  serve [--no-worker]       HTTP server (plus background workers unless --no-worker)
  worker                    background workers only (scale-out)
  migrate                   bring the database schema up to date
  config apply|export       apply a team config file / print a team's config
  key create|list|revoke    manage API keys
  plugin list|show          a team's WhatsApp plugins (never their secrets)
  sandbox [--port N]        run the WhatsApp Graph API sandbox alone

Run "chakra <command> --help" for a command's options. Configuration comes from the
environment (PORT, HOST, DATA_DIR, DATABASE_URL, ...; see the README).
Exit codes: 0 success, 1 failure, 2 usage error.`;

type Command = (argv: readonly string[], env: Env, io: CliIo) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  serve: runServeCommand,
  worker: runWorkerCommand,
  migrate: runMigrateCommand,
  config: runConfigCommand,
  key: runKeyCommand,
  plugin: runPluginCommand,
  sandbox: runSandboxCommand,
};

/** Runs one CLI invocation and returns its exit code; never throws. */
export async function runCli(argv: readonly string[], env: Env, io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(MAIN_USAGE);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(MAIN_USAGE);
    return 0;
  }
  if (name === '--version') {
    io.out(VERSION);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`chakra: unknown command "${name}"\n\n${MAIN_USAGE}`);
    return 2;
  }
  try {
    return await command(rest, env, io);
  } catch (error: unknown) {
    return reportFailure(error, name, io);
  }
}

function reportFailure(error: unknown, command: string, io: CliIo): number {
  if (error instanceof UsageError) {
    io.err(`chakra ${command}: ${error.message}\n\n${error.usage}`);
    return 2;
  }
  if (error instanceof ConfigError || error instanceof StartupError) {
    io.err(error.message);
    return 1;
  }
  if (isAppError(error)) {
    io.err(error.messages.join('\n'));
    return 1;
  }
  io.err(`chakra ${command}: ${error instanceof Error ? error.message : String(error)}`);
  return 1;
}
