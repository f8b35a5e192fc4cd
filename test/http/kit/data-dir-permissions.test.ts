import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../../src/config/load-config.ts';
import { openRuntime, type Runtime } from '../../../src/runtime.ts';
import { seedDemoOnFirstRun } from '../../../src/cli/first-run.ts';
import { createCapturingLogger } from '../../support/test-server.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-db.ts';
import { TEST_DIALECT } from '../../support/env.ts';
import { client } from '../../support/http.ts';
import { LEAD, createProcess, uploadPhoto } from '../../support/processes.ts';

/** Every file and directory under `root` (itself included) with its permission bits. */
function modesUnder(root: string): { path: string; kind: 'dir' | 'file'; mode: number }[] {
  const out: { path: string; kind: 'dir' | 'file'; mode: number }[] = [{ path: '.', kind: 'dir', mode: fs.statSync(root).mode & 0o777 }];
  for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true }) as fs.Dirent[]) {
    const full = path.join(entry.parentPath, entry.name);
    out.push({ path: path.relative(root, full), kind: entry.isDirectory() ? 'dir' : 'file', mode: fs.statSync(full).mode & 0o777 });
  }
  return out;
}

describe('the data directory is readable by its owner only', () => {
  let database: TestDatabase;
  let dataDir: string;
  let runtime: Runtime;
  let app: FastifyInstance;
  let url: string;
  let previousUmask: number;

  before(async () => {
    // The usual umask, which lets group and others read what is created without a mode.
    previousUmask = process.umask(0o022);
    database = await createTestDatabase();
    // A data directory that does not exist yet, below one that does: the server creates it.
    dataDir = path.join(database.dataDir, 'fresh', 'data');
    const target = TEST_DIALECT === 'sqlite' ? { kind: 'sqlite' as const, file: path.join(dataDir, 'chakra.db') } : database.target;
    const config = loadConfig({ DATA_DIR: dataDir, RATE_LIMIT_PER_KEY: '0', PORT: '0' });
    runtime = await openRuntime(config, { logger: createCapturingLogger().logger, databaseTarget: target });
    app = await runtime.buildHttpApp();
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  after(async () => {
    const closing = app.close();
    app.server.closeAllConnections();
    await closing;
    await runtime.close();
    await database.drop();
    process.umask(previousUmask);
  });

  it('after a first run, a write and a photo upload: directories 0700, files 0600', async () => {
    const tokenFile = await seedDemoOnFirstRun(runtime);
    assert.ok(tokenFile, 'the demo team is created on a fresh database');
    const token = fs.readFileSync(tokenFile, 'utf8').trim();
    await createProcess(client(url, token), LEAD, { data: { first_name: 'Ted' } });
    await uploadPhoto(url, token);

    const entries = modesUnder(dataDir);
    const names = entries.map((e) => e.path);
    for (const expected of ['secret-key', 'demo-token', 'files']) assert.ok(names.includes(expected), `${expected} in ${names.join(', ')}`);
    if (TEST_DIALECT === 'sqlite') {
      for (const expected of ['chakra.db', 'chakra.db-wal', 'chakra.db-shm']) assert.ok(names.includes(expected), `${expected} in ${names.join(', ')}`);
    }
    assert.ok(entries.some((e) => e.kind === 'file' && e.path.startsWith(`files${path.sep}`)), 'the photo is stored under files/');
    for (const entry of entries) {
      assert.equal(entry.mode & 0o077, 0, `${entry.path} is ${entry.mode.toString(8)}: group or others have access`);
      assert.equal(entry.mode, entry.kind === 'dir' ? 0o700 : 0o600, `${entry.path} is ${entry.mode.toString(8)}`);
    }
    // The directories above the data directory that the server created as well.
    assert.equal(fs.statSync(path.dirname(dataDir)).mode & 0o777, 0o700);
  });
});
