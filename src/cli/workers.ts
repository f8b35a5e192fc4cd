import type { Runtime } from '../runtime.ts';

export interface RunningWorkers {
  stop(): Promise<void>;
}

/**
 * Starts the background workers of this process. No job kinds are registered yet (bulk imports
 * and webhooks bring theirs), so the workers only announce themselves and wait to be stopped.
 */
export function startWorkers(runtime: Runtime): RunningWorkers {
  runtime.logger.info({ concurrency: runtime.config.jobs.workerConcurrency }, 'worker started; waiting for work');
  return {
    async stop() {
      runtime.logger.info('worker stopped');
    },
  };
}
