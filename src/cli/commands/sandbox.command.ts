import { createLogger } from '../../shared/logger.ts';
import { DEFAULT_SANDBOX_PORT, startSandbox } from '../../whatsapp/sandbox/index.ts';
import { expectPositionals, parseCommandArgs } from '../args.ts';
import { UsageError, type CliIo, type Env } from '../cli-io.ts';
import { catchShutdownSignal } from '../signals.ts';

export const SANDBOX_USAGE = `Usage: chakra sandbox [--port N]

Runs the WhatsApp Graph API sandbox alone: a local, in-memory stand-in for Meta's Cloud API.
It listens on HOST (default 127.0.0.1) and --port (default ${DEFAULT_SANDBOX_PORT}; 0 picks a free port),
prints its base URL on stdout and runs until SIGINT or SIGTERM. Point a Graph API client at
<url>/v21.0/…; register accounts with POST <url>/_sandbox/accounts.`;

export async function runSandboxCommand(argv: readonly string[], env: Env, io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(argv, { port: { type: 'string' } }, SANDBOX_USAGE);
  if (parsed.help) {
    io.out(SANDBOX_USAGE);
    return 0;
  }
  expectPositionals(parsed, 0, '', SANDBOX_USAGE);
  const port = readPort(parsed.values.port);
  const host = env.HOST?.trim() || '127.0.0.1';
  const logger = createLogger('info');
  const shutdown = catchShutdownSignal();
  try {
    const sandbox = await startSandbox({ host, port, logger });
    io.out(sandbox.url);
    io.err(`WhatsApp sandbox listening on ${sandbox.url}. Register an account with POST ${sandbox.url}/_sandbox/accounts; Ctrl-C stops it.`);
    const signal = await shutdown.received;
    logger.info({ signal }, 'sandbox shutting down');
    await sandbox.close();
  } finally {
    shutdown.release();
  }
  return 0;
}

function readPort(value: string | boolean | undefined): number {
  if (value === undefined) return DEFAULT_SANDBOX_PORT;
  const port = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || port > 65535) {
    throw new UsageError(`--port must be a port number from 0 to 65535, got "${String(value)}"`, SANDBOX_USAGE);
  }
  return port;
}
