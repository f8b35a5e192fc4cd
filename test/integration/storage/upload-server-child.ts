/**
 * A real server in a child process, for tests that kill it with SIGKILL in the middle of an
 * upload. Usage: node upload-server-child.ts '<json {dataDir, target}>'. Prints one JSON line
 * `{"url": …}` on stdout once it listens, then serves until killed.
 */
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../../src/config/load-config.ts';
import type { DatabaseTarget } from '../../../src/db/database.ts';
import { openRuntime } from '../../../src/runtime.ts';
import { createLogger } from '../../../src/shared/logger.ts';

const { dataDir, target } = JSON.parse(process.argv[2] ?? '{}') as { dataDir: string; target: DatabaseTarget };
const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', RATE_LIMIT_PER_KEY: '0' });
const runtime = await openRuntime(config, { logger: createLogger('warn'), databaseTarget: target });
const app = await runtime.buildHttpApp();
await app.listen({ host: '127.0.0.1', port: 0 });
const { port } = app.server.address() as AddressInfo;
process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${port}` }) + '\n');
