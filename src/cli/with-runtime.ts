import { loadConfig } from '../config/load-config.ts';
import type { Config } from '../config/config.ts';
import { openRuntime, type Runtime } from '../runtime.ts';
import { createLogger, type Logger } from '../shared/logger.ts';
import type { Env } from './cli-io.ts';

/**
 * Opens the runtime for an administrative command and always closes it. Such commands log only
 * warnings and errors unless LOG_LEVEL asks for more, so their own output stays readable.
 */
export async function withRuntime<T>(env: Env, work: (runtime: Runtime) => Promise<T>): Promise<T> {
  const config: Config = loadConfig(env);
  const logger: Logger = createLogger(env.LOG_LEVEL ? config.logLevel : 'warn');
  const runtime = await openRuntime(config, { logger });
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}
