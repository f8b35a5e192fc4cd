import net, { type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config/load-config.ts';
import { openRuntime, type Runtime } from '../../src/runtime.ts';
import { createLogger, type Logger } from '../../src/shared/logger.ts';
import type { Clock } from '../../src/shared/time.ts';
import { createTestDatabase } from './test-db.ts';

/** Captures log lines in memory (the logger is one of the two things tests may replace). */
export function createCapturingLogger(): { logger: Logger; lines: () => string[] } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger('info', sink), lines: () => chunks.join('').split('\n').filter(Boolean) };
}

export interface TestServer {
  readonly url: string;
  readonly runtime: Runtime;
  readonly logLines: () => string[];
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Extra environment for loadConfig (e.g. RATE_LIMIT_PER_KEY). */
  readonly env?: Record<string, string>;
  readonly clock?: Clock;
}

/** A port nobody listens on right now (asked of the system, then released). */
export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A real server on 127.0.0.1, on an ephemeral port, over a fresh database of its own. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const database = await createTestDatabase();
  const config = loadConfig({ DATA_DIR: database.dataDir, RATE_LIMIT_PER_KEY: '0', PORT: '0', ...options.env });
  const { logger, lines } = createCapturingLogger();
  const runtime = await openRuntime(config, { logger, clock: options.clock, databaseTarget: database.target });
  const app = await runtime.buildHttpApp();
  // A test that needs links on the server's own address gives PORT (see freePort) and PUBLIC_URL.
  await app.listen({ host: '127.0.0.1', port: Number(options.env?.PORT ?? 0) });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    runtime,
    logLines: lines,
    async close() {
      // A kept-alive connection whose last response was streamed would hold close() until its timeout.
      const closing = app.close();
      app.server.closeAllConnections();
      await closing;
      await runtime.close();
      await database.drop();
    },
  };
}
