import { loadConfig } from '../../config/load-config.ts';
import { openRuntime } from '../../runtime.ts';
import { createLogger } from '../../shared/logger.ts';
import { parseCommandArgs, expectPositionals } from '../args.ts';
import type { CliIo, Env } from '../cli-io.ts';
import { demoInstructions, demoPlugin, seedDemoOnFirstRun } from '../first-run.ts';
import { startWorkers } from '../workers.ts';
import { catchShutdownSignal } from '../signals.ts';

export const SERVE_USAGE = `Usage: chakra serve [--no-worker]

Serves the HTTP API on HOST:PORT (default 127.0.0.1:8080) and runs background workers in the
same process unless --no-worker. The database schema is brought up to date first. On the first
start with an empty data directory (embedded SQLite) the demo team is created.
SIGTERM or SIGINT stops accepting connections, finishes in-flight requests and exits.`;

export async function runServeCommand(argv: readonly string[], env: Env, io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(argv, { 'no-worker': { type: 'boolean' } }, SERVE_USAGE);
  if (parsed.help) {
    io.out(SERVE_USAGE);
    return 0;
  }
  expectPositionals(parsed, 0, '', SERVE_USAGE);
  const config = loadConfig(env);
  const logger = createLogger(config.logLevel);
  const runtime = await openRuntime(config, { logger });
  const shutdown = catchShutdownSignal();
  try {
    const demoTokenFile = await seedDemoOnFirstRun(runtime);
    const app = await runtime.buildHttpApp();
    const address = await app.listen({ host: config.http.host, port: config.http.port });
    logger.info({ address }, 'listening');
    if (demoTokenFile) {
      // PORT=0 lets the system pick the port: only the listening address knows it then.
      const baseUrl = config.http.port === 0 && !env.PUBLIC_URL?.trim() ? address : config.http.publicUrl;
      io.err(demoInstructions(demoTokenFile, baseUrl, await demoPlugin(runtime)).join('\n'));
    }
    const workers = parsed.values['no-worker'] === true ? null : await startWorkers(runtime);
    const signal = await shutdown.received;
    logger.info({ signal }, 'shutting down: draining in-flight requests');
    await Promise.all([app.close(), workers?.stop()]);
  } finally {
    shutdown.release();
    await runtime.close();
  }
  logger.info('stopped');
  return 0;
}
