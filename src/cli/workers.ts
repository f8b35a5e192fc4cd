import type { Runtime } from '../runtime.ts';

export interface RunningWorkers {
  stop(): Promise<void>;
}

const MAINTENANCE_EVERY_MS = 60 * 60 * 1000;

/**
 * Starts this process's background workers: the job engine's loop (WORKER_CONCURRENCY jobs at a
 * time) and hourly housekeeping. `stop()` lets running jobs finish their current batch and hands
 * back what is left, so another worker continues at once.
 */
export async function startWorkers(runtime: Runtime): Promise<RunningWorkers> {
  await runtime.watchForChanges();
  runtime.engine.start();
  runtime.logger.info({ queues: runtime.config.jobs.queues, workerId: runtime.engine.workerId }, 'worker started; waiting for work');
  const housekeeping = () => runtime.maintenance().catch((error: unknown) => runtime.logger.error({ err: error }, 'housekeeping failed'));
  void housekeeping();
  const timer = setInterval(housekeeping, MAINTENANCE_EVERY_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await runtime.engine.stop();
      runtime.logger.info('worker stopped');
    },
  };
}
