import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/config.ts';
import { ConfigError } from '../config/load-config.ts';
import type { BlobStore } from './blob-store.ts';
import { createLocalBlobStore } from './local-fs.ts';

export { assertValidBlobKey, InvalidBlobKeyError, type BlobInfo, type BlobReader, type BlobStore } from './blob-store.ts';
export { createLocalBlobStore } from './local-fs.ts';

/** Where files go when STORAGE_URL is unset. */
export function defaultFilesDir(dataDir: string): string {
  return path.join(dataDir, 'files');
}

/**
 * The blob store that STORAGE_URL names: unset → files under `$DATA_DIR/files`, `file:///path`
 * → files under that directory. Callers only see `BlobStore`, so another driver (S3) slots in
 * here without any of them changing.
 */
export function createBlobStore(storage: Config['storage']): BlobStore {
  const url = storage.url;
  if (url === undefined) return openLocal(defaultFilesDir(storage.dataDir), 'DATA_DIR');
  if (url.startsWith('file://')) {
    let dir: string;
    try {
      dir = fileURLToPath(url);
    } catch (error: unknown) {
      throw new ConfigError(`STORAGE_URL: expected file:///absolute/path, got "${url}"`, { cause: error });
    }
    return openLocal(dir, 'STORAGE_URL');
  }
  if (url.startsWith('s3://')) {
    throw new ConfigError(
      'STORAGE_URL: s3:// storage is not supported by this version yet; unset STORAGE_URL to keep files under $DATA_DIR/files, or use file:///path',
    );
  }
  throw new ConfigError('STORAGE_URL: expected s3://bucket/prefix or file:///path');
}

function openLocal(dir: string, variable: string): BlobStore {
  try {
    return createLocalBlobStore(dir);
  } catch (error: unknown) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError(`${variable}: cannot create the files directory ${dir} (${reason})`, { cause: error });
  }
}
