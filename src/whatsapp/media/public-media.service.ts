import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Db } from '../../db/database.ts';
import type { Principal } from '../../http/auth.ts';
import type { UploadPart } from '../../http/multipart.ts';
import { AppError, badRequest, notFound, payloadTooLarge } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import type { Clock } from '../../shared/time.ts';
import type { BlobStore } from '../../storage/index.ts';
import type { PluginsService } from '../plugins/index.ts';
import { MEDIA_SNIFF_BYTES, sniffMediaType, type MediaKind } from './media-types.ts';
import { createPublicMediaRepo } from './public-media.repo.ts';

export type MediaLimits = Readonly<Record<MediaKind, number>>;

export interface PublicMediaDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly blobStore: BlobStore;
  readonly plugins: PluginsService;
  readonly publicUrl: string;
  readonly limits: MediaLimits;
}

const MAX_NAME = 255;
const PATH = /^[0-9a-f-]{36}\/\d{4}-\d{2}-\d{2}\/[0-9a-f-]{36}\.[a-z0-9]{1,5}$/;

export interface OpenedMedia {
  readonly stream: Readable;
  readonly size: number;
  readonly mimeType: string;
  readonly sha256: string;
  readonly filename: string | null;
}

/**
 * Upload Public Media (API.md §8.3): the file's type is told from its bytes, WhatsApp's limit
 * for that type applies, and the file is kept under an unguessable URL that anyone may read —
 * it is meant to be passed to Meta as a media link.
 */
export function createPublicMediaService(deps: PublicMediaDeps) {
  const { db, blobStore } = deps;
  const largest = Math.max(...Object.values(deps.limits));

  async function receive(key: string, file: Readable) {
    const hash = createHash('sha256');
    const head: Buffer[] = [];
    let headLength = 0;
    let size = 0;
    async function* chunks() {
      for await (const raw of file) {
        const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw as Uint8Array);
        size += chunk.length;
        if (size > largest) throw payloadTooLarge(`file: larger than ${largest} bytes, the most WhatsApp takes for any type`);
        hash.update(chunk);
        if (headLength < MEDIA_SNIFF_BYTES) {
          head.push(chunk.subarray(0, MEDIA_SNIFF_BYTES - headLength));
          headLength += Math.min(chunk.length, MEDIA_SNIFF_BYTES - headLength);
        }
        yield chunk;
      }
    }
    await blobStore.put(key, chunks());
    return { size, sha256: hash.digest('hex'), head: Buffer.concat(head, headLength) };
  }

  return {
    async upload(principal: Principal, pluginId: string, parts: AsyncIterable<UploadPart>): Promise<{ publicMediaUrl: string }> {
      // Another team's plugin, or none, is 404 before any byte is stored.
      await deps.plugins.requirePlugin(principal.teamId, pluginId);
      const key = `public-media/${principal.teamId}/${newId()}`;
      let file: Awaited<ReturnType<typeof receive>> | null = null;
      let partName = '';
      let fieldName: string | null = null;
      try {
        for await (const part of parts) {
          if (part.kind === 'file') {
            if (part.name !== 'file') throw badRequest(`multipart: unexpected file part "${part.name}"; the file goes in the part named "file"`);
            if (file) throw badRequest('multipart: only one "file" part');
            // The official SDK names a file without a name "undefined".
            partName = part.filename === 'undefined' ? '' : part.filename;
            file = await receive(key, part.stream);
          } else if (part.name === 'filename') {
            if (part.truncated || part.value.length > MAX_NAME) throw badRequest(`filename: at most ${MAX_NAME} characters`);
            fieldName = part.value;
          } else {
            throw badRequest(`multipart: unknown field "${part.name}" (expected "file" and, optionally, "filename")`);
          }
        }
        if (!file) throw badRequest('file: required (a multipart part named "file")');
        const filename = (fieldName || partName).slice(0, MAX_NAME) || null;
        const type = sniffMediaType(file.head, filename ?? '');
        if (!type) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 415, 'file: not a type WhatsApp takes (JPEG, PNG, WebP, MP4, 3GP, AAC, AMR, MP3, M4A, OGG, PDF, Office documents, plain text)');
        if (file.size > deps.limits[type.kind]) throw payloadTooLarge(`file: ${type.kind} files may be at most ${deps.limits[type.kind]} bytes`);
        const now = deps.clock();
        const path = `${principal.teamId}/${new Date(now).toISOString().slice(0, 10)}/${newId()}.${type.extension}`;
        await createPublicMediaRepo(db).insert({
          path, team_id: principal.teamId, plugin_id: pluginId, mime_type: type.mimeType, size: file.size, sha256: file.sha256, filename, storage_key: key, created_at: now,
        });
        return { publicMediaUrl: `${deps.publicUrl}/public-media/${path}` };
      } catch (error: unknown) {
        await blobStore.delete(key).catch(() => {});
        throw error;
      }
    },

    /** The bytes behind a public media URL, for anyone who has it; 404 otherwise. */
    async open(path: string): Promise<OpenedMedia> {
      if (!PATH.test(path)) throw notFound();
      const row = await createPublicMediaRepo(db).findByPath(path);
      const blob = row ? await blobStore.get(row.storage_key) : null;
      if (!row || !blob) throw notFound();
      return { stream: blob.stream, size: blob.size, mimeType: row.mime_type, sha256: row.sha256, filename: row.filename };
    },
  };
}

export type PublicMediaService = ReturnType<typeof createPublicMediaService>;
