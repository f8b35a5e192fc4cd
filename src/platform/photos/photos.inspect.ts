import { createHash } from 'node:crypto';
import { isAppError } from '../../shared/errors.ts';
import { sniffImageType, SNIFF_BYTES, type ImageMimeType } from './photos.image.ts';
import * as errors from './photos.errors.ts';

/** Leading bytes kept in memory to read the image header from (the rest is only streamed). */
const HEAD_LIMIT = 256 * 1024;

export interface UploadFacts {
  readonly size: number;
  readonly sha256: string;
  readonly mimeType: ImageMimeType;
  /** The first bytes of the file (up to 256 KiB), enough for almost every image header. */
  readonly head: Buffer;
}

/**
 * Passes an upload through while checking it: the type is sniffed from the first bytes before
 * any byte is passed on (anything but PNG/JPEG/GIF/WebP fails at once), the size limit is
 * enforced as bytes arrive, and the SHA-256 is computed on the way. `facts()` is available once
 * `chunks` has been read to the end.
 */
export function inspectUpload(source: AsyncIterable<Uint8Array>, maxBytes: number) {
  const hash = createHash('sha256');
  const headChunks: Buffer[] = [];
  let headLength = 0;
  let size = 0;
  let mimeType: ImageMimeType | null = null;
  let result: UploadFacts | null = null;

  const head = () => Buffer.concat(headChunks, headLength);
  const sniff = (): ImageMimeType => {
    const type = sniffImageType(head());
    if (type === null) throw errors.notAnImage();
    return type;
  };

  async function* chunks(): AsyncGenerator<Buffer> {
    let held: Buffer[] = [];
    try {
      for await (const raw of source) {
        const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
        size += chunk.length;
        if (size > maxBytes) throw errors.photoTooLarge(maxBytes);
        hash.update(chunk);
        if (headLength < HEAD_LIMIT) {
          const part = chunk.subarray(0, HEAD_LIMIT - headLength);
          headChunks.push(part);
          headLength += part.length;
        }
        if (mimeType !== null) {
          yield chunk;
          continue;
        }
        held.push(chunk);
        if (headLength < SNIFF_BYTES) continue;
        mimeType = sniff();
        yield* held;
        held = [];
      }
    } catch (error: unknown) {
      if (isAppError(error)) throw error;
      throw errors.uploadInterrupted(error);
    }
    mimeType ??= sniff();
    yield* held;
    result = { size, sha256: hash.digest('hex'), mimeType, head: head() };
  }

  return {
    chunks,
    facts(): UploadFacts {
      if (result === null) throw new Error('inspectUpload: facts() read before the upload was consumed');
      return result;
    },
  };
}
