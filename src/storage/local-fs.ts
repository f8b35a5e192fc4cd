import fs from 'node:fs';
import { open, rename, rm, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { assertValidBlobKey, InvalidBlobKeyError, type BlobInfo, type BlobReader, type BlobStore } from './blob-store.ts';

const PRIVATE_DIRECTORY = 0o700;
const PRIVATE_FILE = 0o600;

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';

/**
 * Blobs as plain files under `root` (default `$DATA_DIR/files`). A write goes to a hidden
 * temporary file beside its target, is flushed to disk and then renamed into place, so a crash
 * at any moment leaves either the whole file or none under the key; an interrupted write leaves
 * at most a dot-file that no key can name. Directories are created 0700 and files 0600: stored
 * files are readable by the server's user only.
 */
export function createLocalBlobStore(root: string): BlobStore {
  const base = path.resolve(root);
  fs.mkdirSync(base, { recursive: true, mode: PRIVATE_DIRECTORY });

  function fileFor(key: string): string {
    assertValidBlobKey(key);
    const file = path.resolve(base, ...key.split('/'));
    // The key rules already exclude escapes; this keeps it true whatever they become.
    if (!file.startsWith(base + path.sep)) throw new InvalidBlobKeyError(`Blob key escapes the storage root: ${JSON.stringify(key)}`);
    return file;
  }

  return {
    description: `local files under ${base}`,

    async put(key: string, source: Readable | AsyncIterable<Uint8Array>): Promise<BlobInfo> {
      const target = fileFor(key);
      await fs.promises.mkdir(path.dirname(target), { recursive: true, mode: PRIVATE_DIRECTORY });
      const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
      let handle: FileHandle | undefined = await open(temporary, 'wx', PRIVATE_FILE);
      try {
        let size = 0;
        for await (const chunk of source) {
          const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
          await writeFully(handle, bytes);
          size += bytes.length;
        }
        await handle.sync();
        await handle.close();
        handle = undefined;
        await rename(temporary, target);
        await syncDirectory(path.dirname(target));
        return { size };
      } catch (error: unknown) {
        await handle?.close().catch(() => {});
        await rm(temporary, { force: true }).catch(() => {});
        throw error;
      }
    },

    async get(key: string): Promise<BlobReader | null> {
      const file = fileFor(key);
      let handle: FileHandle;
      try {
        handle = await open(file, 'r');
      } catch (error: unknown) {
        if (isMissing(error)) return null;
        throw error;
      }
      try {
        // Size and bytes come from the same open file, so they agree even if the key is replaced.
        const { size } = await handle.stat();
        return { size, stream: handle.createReadStream() };
      } catch (error: unknown) {
        await handle.close().catch(() => {});
        throw error;
      }
    },

    async stat(key: string): Promise<BlobInfo | null> {
      try {
        const info = await stat(fileFor(key));
        return info.isFile() ? { size: info.size } : null;
      } catch (error: unknown) {
        if (isMissing(error)) return null;
        throw error;
      }
    },

    async delete(key: string): Promise<void> {
      try {
        await unlink(fileFor(key));
      } catch (error: unknown) {
        if (!isMissing(error)) throw error;
      }
    },
  };
}

/** One write call may take only part of a buffer; keep going until it has all of it. */
async function writeFully(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let offset = 0; offset < bytes.length; ) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
}

/** Makes a rename durable across power loss (the directory entry is flushed too); best effort. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Some platforms cannot fsync a directory; the rename itself is still atomic.
  } finally {
    await handle?.close().catch(() => {});
  }
}
