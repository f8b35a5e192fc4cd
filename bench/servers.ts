import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const READY_TIMEOUT_MS = 60_000;

export interface RunningServer {
  readonly url: string;
  readonly pid: number;
  /** The end of its stderr, and how it exited if it did: to say why a server went away. */
  describe(): string;
  stop(): Promise<void>;
}

/** A port nobody listens on right now (asked of the system, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** How a child says it is ready: an HTTP path answering 200, or a line on its stderr (a worker has no HTTP). */
type Readiness = { readonly path: string } | { readonly stderrIncludes: string };

export interface ChildOptions {
  /** Arguments for node itself, before the script (e.g. --cpu-prof). */
  readonly nodeArgs?: readonly string[];
}

/**
 * Starts `node <script> ...args` as a child (on a free port) and resolves once it is ready. Its
 * stderr is kept so a server that dies says why.
 */
async function startChild(
  script: string, argsOrPort: string[] | ((port: number) => string[]), env: Record<string, string>, ready: Readiness, options: ChildOptions = {},
): Promise<RunningServer> {
  const port = await freePort();
  const args = typeof argsOrPort === 'function' ? argsOrPort(port) : argsOrPort;
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  let sawLine = false;
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
    if ('stderrIncludes' in ready && stderr.includes(ready.stderrIncludes)) sawLine = true;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}: ${stderr}`);
    if ('path' in ready) {
      try {
        if ((await fetch(url + ready.path)).status === 200) break;
      } catch {
        // Not listening yet.
      }
    } else if (sawLine) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${script} was not ready within ${READY_TIMEOUT_MS} ms: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    pid: child.pid ?? -1,
    describe: () => `${script} ${args.join(' ')} (pid ${child.pid}${child.exitCode === null && child.signalCode === null ? ', running' : `, exited ${child.exitCode ?? child.signalCode}`}): ${stderr.slice(-2000)}`,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The real server: `node src/main.ts serve` with the given database env, rate limit off. */
export function startApiServer(env: Record<string, string>, args: readonly string[] = [], options: ChildOptions = {}): Promise<RunningServer> {
  return startChild('src/main.ts', ['serve', ...args], { ...env, RATE_LIMIT_PER_KEY: '0', LOG_LEVEL: 'warn' }, { path: '/readyz' }, options);
}

/** `node src/main.ts worker`: background workers only, ready once it says it waits for work. */
export function startWorker(env: Record<string, string>, options: ChildOptions = {}): Promise<RunningServer> {
  return startChild('src/main.ts', ['worker'], { ...env, LOG_LEVEL: 'info' }, { stderrIncludes: 'worker started' }, options);
}

/** `node src/main.ts sandbox`: the WhatsApp Graph API sandbox alone. */
export function startSandboxServer(): Promise<RunningServer> {
  return startChild('src/main.ts', (port) => ['sandbox', '--port', String(port)], { LOG_LEVEL: 'warn' }, { path: '/_sandbox/settings' });
}

/** The baseline server (bench/lean-server.ts). */
export function startLeanServer(env: Record<string, string>): Promise<RunningServer> {
  return startChild('bench/lean-server.ts', [], env, { path: '/bare' });
}

/** A PostgreSQL schema of its own for one server, dropped afterwards. */
export interface PgSchema {
  readonly name: string;
  /** `baseUrl` with search_path set to this schema (pg reads `options` from the URL). */
  readonly url: string;
  drop(): Promise<void>;
}

async function withClient<T>(baseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: baseUrl, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function postgresReachable(baseUrl: string): Promise<boolean> {
  try {
    await withClient(baseUrl, (client) => client.query('select 1'));
    return true;
  } catch {
    return false;
  }
}

export async function createSchema(baseUrl: string, prefix: string): Promise<PgSchema> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await withClient(baseUrl, (client) => client.query(`create schema ${name}`));
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${name}`);
  return {
    name,
    url: url.toString(),
    drop: () => withClient(baseUrl, async (client) => void (await client.query(`drop schema if exists ${name} cascade`))),
  };
}

/** CHAKRA_SECRET_KEY for a PostgreSQL run: 32 random bytes, base64. */
export const randomSecretKey = (): string => randomBytes(32).toString('base64');
