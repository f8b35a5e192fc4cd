/**
 * A server killed with SIGKILL in the middle of an upload must leave neither a photo row
 * without its whole file nor a half-written file that anything serves. The server runs in a
 * child process (upload-server-child.ts) over this file's database and data directory; the test
 * kills it (1) while the bytes are streaming to disk and (2) after the file is renamed into place
 * but before the row is committed (held there by a lock on the photos table), then checks what
 * a fresh server over the same data does.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../../src/config/load-config.ts';
import { openRuntime, type Runtime } from '../../../src/runtime.ts';
import { InvalidBlobKeyError } from '../../../src/storage/index.ts';
import { createCapturingLogger } from '../../support/test-server.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-db.ts';
import { seedTeam, type SeededTeam } from '../../support/factories.ts';
import { call } from '../../support/http.ts';
import { png } from '../../fixtures/images/images.ts';
import { download, sha256 } from '../../http/photos/photo-support.ts';
import { holdPhotosTableLock } from './table-lock.ts';

const CHILD = fileURLToPath(new URL('./upload-server-child.ts', import.meta.url));
const BOUNDARY = 'crash-test-boundary';

/** Children still running when a test fails are killed in `after`, so the run never hangs on them. */
const children = new Set<ChildProcess>();

async function startChild(database: TestDatabase): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CHILD, JSON.stringify({ dataDir: database.dataDir, target: database.target })], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let buffered = '';
  for await (const chunk of child.stdout!) {
    buffered += String(chunk);
    if (buffered.includes('\n')) return { child, url: (JSON.parse(buffered.split('\n')[0]!) as { url: string }).url };
  }
  throw new Error('the child server exited before listening');
}

async function killHard(child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  const [code, signal] = (await exited) as [number | null, string | null];
  assert.equal(signal, 'SIGKILL', `the child died of SIGKILL (code ${code})`);
}

/** Starts a multipart upload of `bytes` and sends only the first `sendFirst` bytes of the file. */
function startUpload(url: string, token: string, photoId: string, bytes: Buffer, sendFirst: number) {
  const head = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="photo"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  const request = http.request(`${url}/v1/ext/photo/${photoId}`, {
    method: 'POST',
    agent: false,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
      'content-length': String(head.length + bytes.length + tail.length),
    },
  });
  request.on('error', () => {}); // the server is killed under it
  request.write(Buffer.concat([head, bytes.subarray(0, sendFirst)]));
  return {
    finish: () => request.end(Buffer.concat([bytes.subarray(sendFirst), tail])),
    abandon: () => request.destroy(),
  };
}

async function waitFor<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('A server killed mid-upload leaves no row without its file and serves no half file', () => {
  let database: TestDatabase;
  let runtime: Runtime;
  let team: SeededTeam;
  let teamDir: string;
  before(async () => {
    database = await createTestDatabase();
    const config = loadConfig({ DATA_DIR: database.dataDir, RATE_LIMIT_PER_KEY: '0', PORT: '0' });
    runtime = await openRuntime(config, { logger: createCapturingLogger().logger, databaseTarget: database.target });
    team = await seedTeam(runtime, 'acme');
    teamDir = path.join(database.dataDir, 'files', 'photos', team.teamId);
  });
  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    await runtime.close();
    await database.drop();
  });

  const filesInTeamDir = () => (fs.existsSync(teamDir) ? fs.readdirSync(teamDir) : []);
  const photoRow = (id: string) => runtime.db.kysely.selectFrom('photos').selectAll().where('id', '=', id).executeTakeFirst();

  /** Every photo row points at a stored file of exactly its size and hash. */
  async function assertEveryRowHasItsFile(): Promise<void> {
    const rows = await runtime.db.kysely.selectFrom('photos').selectAll().execute();
    for (const row of rows) {
      const blob = await runtime.blobStore.get(row.storage_key);
      assert.ok(blob, `row ${row.id} has its file`);
      const chunks: Buffer[] = [];
      for await (const chunk of blob.stream) chunks.push(chunk as Buffer);
      assert.equal(sha256(Buffer.concat(chunks)), row.sha256, `row ${row.id}'s file is whole`);
    }
  }

  /** A fresh server over the same data: the photo is unknown, and uploading it again works. */
  async function assertRecoverable(photoId: string, bytes: Buffer): Promise<void> {
    const app = await runtime.buildHttpApp();
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    try {
      const missing = await call(url, 'GET', `/v1/ext/photo/${photoId}`, { token: team.tokens.admin });
      assert.equal(missing.status, 404);
      const form = new FormData();
      form.append('photo', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), 'big.png');
      const retried = await call(url, 'POST', `/v1/ext/photo/${photoId}`, { token: team.tokens.admin, body: form });
      assert.equal(retried.status, 200, JSON.stringify(retried.body));
      const link = (await call(url, 'GET', `/v1/ext/photo/${photoId}`, { token: team.tokens.admin })).body._data.url;
      const served = await download(url, link);
      assert.equal(served.status, 200);
      assert.equal(served.bytes.length, bytes.length);
      assert.ok(served.bytes.equals(bytes), 'the whole file, byte for byte');
    } finally {
      await app.close();
    }
  }

  it('killed while the file streams to disk: no row, no file under any key, only a hidden temporary file', async () => {
    const photoId = randomUUID();
    const bytes = Buffer.concat([png(10, 10), Buffer.alloc(3 * 1024 * 1024, 5)]);
    const { child, url } = await startChild(database);
    const upload = startUpload(url, team.tokens.admin, photoId, bytes, 1024 * 1024);
    const partial = await waitFor('a partly written temporary file', () =>
      filesInTeamDir().find((name) => name.startsWith('.') && fs.statSync(path.join(teamDir, name)).size > 0),
    );
    await killHard(child);
    upload.abandon();

    assert.equal(await photoRow(photoId), undefined, 'no row');
    const left = filesInTeamDir();
    assert.deepEqual(left.filter((name) => !name.startsWith('.')), [], 'no file under a real key');
    assert.ok(fs.statSync(path.join(teamDir, partial)).size < bytes.length, 'what is left is indeed partial');
    await assert.rejects(runtime.blobStore.get(`photos/${team.teamId}/${partial}`), InvalidBlobKeyError, 'and cannot be named by any key');
    await assertEveryRowHasItsFile();
    await assertRecoverable(photoId, bytes);
    await assertEveryRowHasItsFile();
  });

  it('killed after the file is in place but before the row commits: no row, and the file is never served', async () => {
    const photoId = randomUUID();
    const bytes = Buffer.concat([png(12, 12), Buffer.alloc(512 * 1024, 6)]);
    const before = new Set(filesInTeamDir());
    const { child, url } = await startChild(database);
    const lock = await holdPhotosTableLock(database);
    let orphan: string;
    try {
      startUpload(url, team.tokens.admin, photoId, bytes, 0).finish();
      orphan = await waitFor('the whole file renamed into place', () =>
        filesInTeamDir().find((name) => !name.startsWith('.') && !before.has(name)),
      );
      assert.equal(fs.statSync(path.join(teamDir, orphan)).size, bytes.length, 'the file is complete');
      await lock.waitForBlockedWriter();
      await killHard(child);
    } finally {
      await lock.release();
    }
    assert.equal(await photoRow(photoId), undefined, 'the row was never committed');
    await assertEveryRowHasItsFile();
    await assertRecoverable(photoId, bytes);
    const row = await photoRow(photoId);
    assert.notEqual(row?.storage_key, `photos/${team.teamId}/${orphan}`, 'the retry stored its own file; the orphan is never referenced');
    await assertEveryRowHasItsFile();
  });
});
