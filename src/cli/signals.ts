import { constants } from 'node:os';

export interface ShutdownSignal {
  /** Resolves on the first SIGTERM or SIGINT. */
  readonly received: Promise<NodeJS.Signals>;
  /** Stops waiting (also when startup failed), so the process can exit. */
  release(): void;
}

/**
 * Starts catching SIGTERM and SIGINT. Call it before the process says it is ready: a signal
 * that arrives earlier would otherwise kill it with the default action. While waiting, the
 * process is kept alive even when nothing else holds it (a worker with no work, an idle
 * SQLite or database pool). A second signal while shutting down exits at once, for an
 * operator who does not want to wait for in-flight work.
 */
export function catchShutdownSignal(): ShutdownSignal {
  const keepAlive = setInterval(() => {}, 1 << 30);
  let onSignal: (signal: NodeJS.Signals) => void = () => {};
  const stopListening = () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    clearInterval(keepAlive);
  };
  const received = new Promise<NodeJS.Signals>((resolve) => {
    onSignal = (signal) => {
      stopListening();
      // The shell's convention for "killed by signal N": 143 for SIGTERM, 130 for SIGINT.
      process.once('SIGTERM', () => process.exit(128 + constants.signals.SIGTERM));
      process.once('SIGINT', () => process.exit(128 + constants.signals.SIGINT));
      resolve(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  return { received, release: stopListening };
}
