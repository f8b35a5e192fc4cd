import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import module from 'node:module';
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

// ---------------------------------------------------------------------------------------------
// In-process runs: the same entry point as src/main.ts, without the start-up of a new process.
// ---------------------------------------------------------------------------------------------

/** What the process writes through `io` (as src/cli/cli-io.ts processIo does: one line each). */
function asLine(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

type StraySink = (fd: 1 | 2, text: string) => void;

/**
 * A spawned CLI's streams also hold what its logger writes (pino, straight to fd 2) and anything
 * else printed outside `io`. Until the returned undo, writes to fd 1 and fd 2 made through
 * `fs.write`/`fs.writeSync`, and `process.stderr.write`, go to `sink` instead, so "nothing else
 * on stderr" still holds in-process. So does text through `process.stdout.write` when this file
 * runs under `node --test`: the runner's own reports on that stream are binary (v8-serialized)
 * there and pass through; run any other way, that stream is left alone.
 */
function captureStrayOutput(sink: StraySink): () => void {
  const mutableFs = fs as unknown as { write: (...args: unknown[]) => unknown; writeSync: (...args: unknown[]) => number };
  const { write, writeSync } = mutableFs;
  const stderrWrite = process.stderr.write;
  const stdoutWrite = process.stdout.write;
  /** The text and byte count of an fs.write/writeSync call: (data, offset?, length?) or (data, position?, encoding?). */
  const decode = (data: unknown, rest: unknown[]): { text: string; bytes: number } => {
    if (typeof data === 'string') return { text: data, bytes: Buffer.byteLength(data) };
    const view = data as ArrayBufferView;
    const buffer = Buffer.from(view.buffer, view.byteOffset, view.byteLength);
    const offset = typeof rest[0] === 'number' ? rest[0] : 0;
    const length = typeof rest[1] === 'number' ? rest[1] : buffer.length - offset;
    return { text: buffer.subarray(offset, offset + length).toString('utf8'), bytes: length };
  };
  mutableFs.writeSync = function (fd: unknown, data: unknown, ...rest: unknown[]) {
    if (fd !== 1 && fd !== 2) return writeSync.call(fs, fd, data, ...rest);
    const { text, bytes } = decode(data, rest);
    sink(fd, text);
    return bytes;
  };
  mutableFs.write = function (fd: unknown, data: unknown, ...rest: unknown[]) {
    if (fd !== 1 && fd !== 2) return write.call(fs, fd, data, ...rest);
    const callback = rest.pop() as (error: Error | null, bytes: number, data: unknown) => void;
    const { text, bytes } = decode(data, rest);
    sink(fd, text);
    process.nextTick(callback, null, bytes, data);
    return undefined;
  };
  const divert = (fd: 1 | 2, chunk: unknown, rest: unknown[]): true => {
    sink(fd, typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    if (callback) process.nextTick(callback);
    return true;
  };
  process.stderr.write = function (chunk: unknown, ...rest: unknown[]) {
    return divert(2, chunk, rest);
  } as typeof process.stderr.write;
  if (process.env.NODE_TEST_CONTEXT === 'child-v8') {
    process.stdout.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
      if (typeof chunk !== 'string') return (stdoutWrite as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
      return divert(1, chunk, rest);
    } as typeof process.stdout.write;
  }
  return () => {
    mutableFs.write = write;
    mutableFs.writeSync = writeSync;
    process.stderr.write = stderrWrite;
    process.stdout.write = stdoutWrite;
  };
}

/**
 * In-process runs never overlap. They share one thread, and on SQLite a second writer in the
 * same thread would block it on the first one's lock (busy_timeout) while the first one cannot
 * go on; one at a time, what went to stdout and stderr also belongs to exactly one run.
 */
let inProcessQueue: Promise<unknown> = Promise.resolve();

/**
 * Runs `chakra <args>` inside this process through `runCli` (src/cli/run-cli.ts), the function
 * src/main.ts calls, and returns what a spawned run would (`signal` is always null). `env` is
 * the whole environment the command sees, as for a spawned CLI; the working directory is this
 * process's, which must be the repository root (where the spawned CLI runs). For commands that
 * finish on their own: `serve` and `worker` wait for a signal once they have started, so they
 * are spawned (spawnCli, startServe) unless they fail before that.
 */
export function runCliInProcess(args: readonly string[], env: CliEnvVars, options: { timeoutMs?: number } = {}): Promise<CliResult> {
  const result = inProcessQueue.then(() => runInProcessNow(args, env, options.timeoutMs ?? 20_000));
  inProcessQueue = result.catch(() => {});
  return result;
}

async function runInProcessNow(args: readonly string[], env: CliEnvVars, timeoutMs: number): Promise<CliResult> {
  if (path.resolve(process.cwd()) !== path.resolve(REPO_ROOT)) {
    throw new Error(`in-process CLI runs need the repository root as working directory, not ${process.cwd()}`);
  }
  // The first run loads the whole server; the spawned CLIs' compile cache makes that cheaper.
  module.enableCompileCache?.(COMPILE_CACHE);
  const { runCli: runCliEntry } = await import('../../src/cli/run-cli.ts');
  let stdout = '';
  let stderr = '';
  const io = { out: (text: string) => void (stdout += asLine(text)), err: (text: string) => void (stderr += asLine(text)) };
  const restore = captureStrayOutput((fd, text) => (fd === 1 ? (stdout += text) : (stderr += text)));
  let timer: NodeJS.Timeout | undefined;
  try {
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`chakra ${args.join(' ')} did not finish within ${timeoutMs} ms`)), timeoutMs);
    });
    const code = await Promise.race([runCliEntry(args, { ...env }, io), expired]);
    // A logger hands its last lines to fs.write a tick later: let them land in this run.
    await new Promise((resolve) => setImmediate(resolve));
    return { code, signal: null, stdout, stderr };
  } finally {
    clearTimeout(timer);
    restore();
  }
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
