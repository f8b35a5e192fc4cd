import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Readable } from 'node:stream';
import { loadConfig, ConfigError } from '../../../src/config/load-config.ts';
import { openRuntime } from '../../../src/runtime.ts';
import { createBlobStore, InvalidBlobKeyError, type BlobStore } from '../../../src/storage/index.ts';
import { createCapturingLogger } from '../../support/test-server.ts';
import { createTestDatabase } from '../../support/test-db.ts';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Every file under `dir`, hidden ones included. */
const listFiles = (dir: string): string[] =>
  fs.existsSync(dir)
    ? (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
        .filter((e) => e.isFile())
        .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
        .sort()
    : [];

describe('Local file blob store', () => {
  let dataDir: string;
  let root: string;
  let store: BlobStore;
  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chakra-blob-'));
    root = path.join(dataDir, 'files');
    store = createBlobStore({ dataDir, url: undefined, s3Endpoint: undefined });
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('keeps files under $DATA_DIR/files by default, and round-trips bytes, size and deletion', async () => {
    const bytes = Buffer.from('hello, blob');
    assert.deepEqual(await store.put('photos/team-1/abc', Readable.from([bytes.subarray(0, 5), bytes.subarray(5)])), { size: bytes.length });
    assert.deepEqual(fs.readFileSync(path.join(root, 'photos', 'team-1', 'abc')), bytes);
    assert.deepEqual(await store.stat('photos/team-1/abc'), { size: bytes.length });
    const blob = await store.get('photos/team-1/abc');
    assert.equal(blob?.size, bytes.length);
    assert.deepEqual(await readAll(blob!.stream), bytes);
    await store.delete('photos/team-1/abc');
    assert.equal(await store.stat('photos/team-1/abc'), null);
    assert.equal(await store.get('photos/team-1/abc'), null);
    await store.delete('photos/team-1/abc');
  });

  it('replaces a blob written again under the same key', async () => {
    await store.put('k/replace', Readable.from([Buffer.from('first version')]));
    await store.put('k/replace', Readable.from([Buffer.from('second')]));
    assert.deepEqual(await readAll((await store.get('k/replace'))!.stream), Buffer.from('second'));
  });

  it('refuses keys that could leave the root or name hidden files, for every operation', async () => {
    const outside = path.join(dataDir, 'escaped');
    const bad = ['../escaped', 'a/../../escaped', '/etc/passwd', `${outside}`, 'a//b', '', 'a/', 'a\\..\\b', '.hidden', 'photos/.x.tmp', 'a/./b', 'nul\0byte', 'x'.repeat(2000), 'C:\\windows'];
    for (const key of bad) {
      await assert.rejects(store.put(key, Readable.from([Buffer.from('x')])), InvalidBlobKeyError, `put ${JSON.stringify(key)}`);
      await assert.rejects(store.get(key), InvalidBlobKeyError, `get ${JSON.stringify(key)}`);
      await assert.rejects(store.stat(key), InvalidBlobKeyError, `stat ${JSON.stringify(key)}`);
      await assert.rejects(store.delete(key), InvalidBlobKeyError, `delete ${JSON.stringify(key)}`);
    }
    assert.equal(fs.existsSync(outside), false);
    assert.deepEqual(fs.readdirSync(dataDir), ['files']);
  });

  it('leaves nothing behind when the source fails part-way, and keeps an older blob intact', async () => {
    await store.put('k/kept', Readable.from([Buffer.from('original')]));
    const before = listFiles(root);
    for (const key of ['k/new', 'k/kept']) {
      async function* failing() {
        yield Buffer.alloc(100_000, 1);
        throw new Error('client went away');
      }
      await assert.rejects(store.put(key, failing()), /client went away/);
    }
    assert.deepEqual(listFiles(root), before, 'no temporary or partial file remains');
    assert.equal(await store.stat('k/new'), null);
    assert.deepEqual(await readAll((await store.get('k/kept'))!.stream), Buffer.from('original'));
  });

  it('shows nothing under the key while a write is in progress, then the whole blob', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let wrote!: () => void;
    const halfWritten = new Promise<void>((resolve) => (wrote = resolve));
    async function* slow() {
      yield Buffer.alloc(64 * 1024, 2);
      wrote();
      await gate;
      yield Buffer.alloc(64 * 1024, 3);
    }
    const writing = store.put('k/slow', slow());
    await halfWritten;
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(await store.stat('k/slow'), null, 'not visible half written');
    assert.equal(await store.get('k/slow'), null);
    const hidden = listFiles(path.join(root, 'k')).filter((f) => f.startsWith('.'));
    assert.equal(hidden.length, 1, 'the write goes to one hidden temporary file');
    await assert.rejects(store.get(`k/${hidden[0]}`), InvalidBlobKeyError, 'which no key can name');
    release();
    assert.deepEqual(await writing, { size: 128 * 1024 });
    assert.equal((await store.stat('k/slow'))?.size, 128 * 1024);
    assert.deepEqual(listFiles(path.join(root, 'k')).filter((f) => f.startsWith('.')), []);
  });

  it('stores under the directory a file:// STORAGE_URL names', async () => {
    const elsewhere = path.join(dataDir, 'elsewhere');
    const other = createBlobStore({ dataDir, url: pathToFileURL(elsewhere).href, s3Endpoint: undefined });
    await other.put('a/b', Readable.from([Buffer.from('x')]));
    assert.ok(fs.existsSync(path.join(elsewhere, 'a', 'b')));
  });

  it('refuses s3:// clearly until an S3 driver exists', () => {
    assert.throws(
      () => createBlobStore({ dataDir, url: 's3://bucket/prefix', s3Endpoint: undefined }),
      (error: unknown) => error instanceof ConfigError && /^STORAGE_URL: s3:\/\/ storage is not supported/.test(error.message),
    );
  });

  it('stops the runtime from opening with an s3:// STORAGE_URL, before touching the database', async () => {
    const database = await createTestDatabase();
    try {
      const config = loadConfig({ DATA_DIR: database.dataDir, STORAGE_URL: 's3://bucket/photos' });
      await assert.rejects(openRuntime(config, { logger: createCapturingLogger().logger, databaseTarget: database.target }), ConfigError);
      assert.equal(fs.existsSync(path.join(database.dataDir, 'chakra.db')), false, 'no database was created');
    } finally {
      await database.drop();
    }
  });
});
