import { loadConfig } from '../../config/load-config.ts';
import { openRuntime } from '../../runtime.ts';
import { createLogger } from '../../shared/logger.ts';
import { expectPositionals, parseCommandArgs } from '../args.ts';
import type { CliIo, Env } from '../cli-io.ts';
import { catchShutdownSignal } from '../signals.ts';
import { startWorkers } from '../workers.ts';

export const WORKER_USAGE = `Usage: chakra worker

Runs background workers only (no HTTP). Start any number of these against one PostgreSQL to
add throughput. SIGTERM finishes or releases claimed work, then exits.`;

export async function runWorkerCommand(argv: readonly string[], env: Env, io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(argv, {}, WORKER_USAGE);
  if (parsed.help) {
    io.out(WORKER_USAGE);
    return 0;
  }
  expectPositionals(parsed, 0, '', WORKER_USAGE);
  const config = loadConfig(env);
  const logger = createLogger(config.logLevel);
  const runtime = await openRuntime(config, { logger });
  const shutdown = catchShutdownSignal();
  try {
    const workers = await startWorkers(runtime);
    const signal = await shutdown.received;
    logger.info({ signal }, 'shutting down');
    await workers.stop();
  } finally {
    shutdown.release();
    await runtime.close();
  }
  return 0;
}
