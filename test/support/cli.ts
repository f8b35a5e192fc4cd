import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { TEST_DATABASE_URL, TEST_DIALECT } from './env.ts';

/** The repository root: the CLI runs from there, as `npm run chakra` would. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = path.join(REPO_ROOT, 'src/main.ts');

export type CliEnvVars = Record<string, string>;

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliEnv {
  /** The whole environment of a spawned CLI (see baseEnv). */
  readonly env: CliEnvVars;
  readonly dataDir: string;
  drop(): Promise<void>;
}

/**
 * A fresh place for the CLI's data: a temp DATA_DIR and, in the PostgreSQL run, a new schema
 * selected through the URL's `options=-c search_path=…` (the server reads current_schema()).
 * `dialect: 'sqlite'` forces the embedded mode whatever the run.
 */
export async function createCliEnv(options: { dialect?: 'sqlite' | 'postgres' } = {}): Promise<CliEnv> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chakra-cli-'));
  const removeDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
  if ((options.dialect ?? TEST_DIALECT) === 'sqlite') {
    return { env: baseEnv({ DATA_DIR: dataDir }), dataDir, drop: async () => removeDir() };
  }
  const schema = `cli_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create schema ${schema}`);
  return {
    env: baseEnv({ DATA_DIR: dataDir, DATABASE_URL: postgresUrlFor(schema), CHAKRA_SECRET_KEY: newSecretKey() }),
    dataDir,
    drop: async () => {
      await adminQuery(`drop schema if exists ${schema} cascade`);
      removeDir();
    },
  };
}

/**
 * Where spawned CLIs keep Node's compile cache: every process loads the same sources, and the
 * cache halves the start-up cost of each (it is keyed by content, so edits are picked up).
 */
const COMPILE_CACHE = path.join(os.tmpdir(), 'chakra-cli-test-compile-cache');

/**
 * PATH only (plus the compile cache), so a DATABASE_URL or LOG_LEVEL of the shell running the
 * tests cannot leak in.
 */
export function baseEnv(extra: CliEnvVars = {}): CliEnvVars {
  return { PATH: process.env.PATH ?? '', NODE_COMPILE_CACHE: COMPILE_CACHE, ...extra };
}

export function newSecretKey(): string {
  return randomBytes(32).toString('base64');
}

export function postgresUrlFor(schema: string): string {
  const separator = TEST_DATABASE_URL.includes('?') ? '&' : '?';
  return `${TEST_DATABASE_URL}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

const running = new Set<ChildProcess>();

/** Kills (SIGKILL) every CLI process this test file started that is still running. */
export function killAllCli(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/** Runs `chakra <args>` to completion and captures stdout and stderr separately. */
export function runCli(args: readonly string[], env: CliEnvVars, options: { timeoutMs?: number } = {}): Promise<CliResult> {
  const cli = spawnCli(args, env);
  const timer = setTimeout(() => cli.child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
  return cli.exited.then(({ code, signal }) => {
    clearTimeout(timer);
    return { code, signal, stdout: cli.stdout(), stderr: cli.stderr() };
  });
}

/** Runs several invocations, a few at a time, and returns their results in order. */
export async function runCliMany(list: readonly (readonly string[])[], env: CliEnvVars, limit = 4): Promise<CliResult[]> {
  const results: CliResult[] = new Array(list.length);
  let next = 0;
  const lane = async () => {
    while (next < list.length) {
      const index = next++;
      results[index] = await runCli(list[index], env);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, list.length) }, lane));
  return results;
}

export interface RunningCli {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** The JSON log lines written to stderr so far. */
  logs(): Record<string, unknown>[];
  /** Resolves with the first log line matching, or rejects on exit or after `timeoutMs`. */
  waitForLog(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` and waits for the exit (SIGKILL after `timeoutMs`). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `chakra <args>` in the background. */
export function spawnCli(args: readonly string[], env: CliEnvVars): RunningCli {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const state = { closed: false, stderr: () => err, logs: () => parseLogLines(err) };
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      state.closed = true;
      running.delete(child);
      resolve({ code, signal });
    });
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    logs: state.logs,
    exited,
    waitForLog: (match, timeoutMs = 10_000) => waitForLog(child, state, match, timeoutMs),
    async stop(signal = 'SIGTERM', timeoutMs = 10_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function parseLogLines(text: string): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a line still being written
    }
  }
  return lines;
}

function waitForLog(
  child: ChildProcess,
  state: { closed: boolean; stderr: () => string; logs: () => Record<string, unknown>[] },
  match: (line: Record<string, unknown>) => boolean,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const finish = () => {
      clearTimeout(timer);
      child.stderr!.off('data', check);
      child.off('close', onClose);
    };
    const check = () => {
      const found = state.logs().find(match);
      if (found) {
        finish();
        resolve(found);
      }
    };
    const onClose = () => {
      check();
      finish();
      reject(new Error(`the process exited before the expected log line; stderr:\n${state.stderr()}`));
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`no matching log line within ${timeoutMs} ms; stderr:\n${state.stderr()}`));
    }, timeoutMs);
    child.stderr!.on('data', check);
    child.once('close', onClose);
    check();
    if (state.closed) onClose();
  });
}

export interface RunningServer extends RunningCli {
  /** The address the server logged (`{"msg":"listening","address":…}`). */
  readonly url: string;
}

/** Starts `chakra serve` on a free port of 127.0.0.1 and waits until it listens. */
export async function startServe(env: CliEnvVars, args: readonly string[] = []): Promise<RunningServer> {
  const cli = spawnCli(['serve', ...args], { ...env, PORT: '0', HOST: '127.0.0.1' });
  const line = await cli.waitForLog((l) => l.msg === 'listening', 20_000);
  return { ...cli, url: String(line.address) };
}

/** Non-empty lines of a stream's text. */
export function linesOf(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}
