import type { Readable } from 'node:stream';
import type { Db } from '../../db/database.ts';
import type { Principal } from '../../http/auth.ts';
import type { UploadPart } from '../../http/multipart.ts';
import { isUuid, newId } from '../../shared/ids.ts';
import type { Clock } from '../../shared/time.ts';
import type { BlobStore } from '../../storage/index.ts';
import { defaultFiletype, readDimensions } from './photos.image.ts';
import { inspectUpload, type UploadFacts } from './photos.inspect.ts';
import { checkDownloadLink, LINK_TTL_MS, signedDownloadUrl } from './photos.links.ts';
import { toPhotoWire } from './photos.mapper.ts';
import { createPhotosRepo, type PhotoRow } from './photos.repo.ts';
import type { PhotoWire, PhotoWithUrlWire } from './photos.schemas.ts';
import * as errors from './photos.errors.ts';

export interface PhotosDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly blobStore: BlobStore;
  /** Key for signing download links. */
  readonly secretKey: Buffer;
  /** Base of the links handed out (PUBLIC_URL), without a trailing slash. */
  readonly publicUrl: string;
  readonly maxBytes: number;
  /**
   * Whether the photo is attached to a process or task the caller may see; wired in by
   * runtime.ts, so photos never read process or task data.
   */
  readonly photoVisibleTo: (principal: Principal, photoId: string, via?: Db) => Promise<boolean>;
}

/** One part of a multipart upload, as the HTTP layer hands it over (in the order received). */
export type { UploadPart };

export interface PhotoDownload {
  readonly stream: Readable;
  readonly size: number;
  readonly mimeType: string;
  readonly sha256: string;
  /** Seconds the response may be cached: never beyond the link's expiry. */
  readonly maxAgeSeconds: number;
}

interface StagedPhoto {
  readonly facts: UploadFacts;
  /** Where the bytes were stored; null when they were only hashed (the id exists already). */
  readonly key: string | null;
  readonly width: number;
  readonly height: number;
}

const MAX_TEXT_FIELD = 255;

/** Ids are compared and stored in lower case, so one UUID is one photo however it is written. */
const canonicalId = (value: string): string | null => (isUuid(value) ? value.toLowerCase() : null);

export function createPhotosService(deps: PhotosDeps) {
  const { db, clock, blobStore } = deps;
  const repo = createPhotosRepo(db);

  /** Streams the file into the store under a new server-generated key, checking it on the way. */
  async function storeFile(teamId: string, file: Readable): Promise<StagedPhoto> {
    const key = `photos/${teamId}/${newId()}`;
    const inspection = inspectUpload(file, deps.maxBytes);
    await blobStore.put(key, inspection.chunks());
    try {
      const facts = inspection.facts();
      const size = readDimensions(facts.head) ?? (facts.size > facts.head.length ? readDimensions(await readWhole(key)) : null);
      if (size === null) throw errors.unreadableImage();
      return { facts, key, ...size };
    } catch (error: unknown) {
      await blobStore.delete(key);
      throw error;
    }
  }

  /** The header was beyond the first bytes kept in memory (rare: large JPEG metadata). */
  async function readWhole(key: string): Promise<Buffer> {
    const blob = await blobStore.get(key);
    if (blob === null) return Buffer.alloc(0);
    const chunks: Buffer[] = [];
    for await (const chunk of blob.stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /** An upload for an id that exists already is only compared, never stored again. */
  async function hashOnly(file: Readable): Promise<StagedPhoto> {
    const inspection = inspectUpload(file, deps.maxBytes);
    for await (const chunk of inspection.chunks()) void chunk;
    return { facts: inspection.facts(), key: null, width: 0, height: 0 };
  }

  function sameBytesOrConflict(existing: PhotoRow, facts: UploadFacts): PhotoWire {
    if (existing.sha256 !== facts.sha256 || existing.size !== facts.size) throw errors.differentBytes();
    return toPhotoWire(existing);
  }

  async function insertOrResolve(row: PhotoRow, facts: UploadFacts): Promise<PhotoWire> {
    try {
      await repo.insert(row);
      return toPhotoWire(row);
    } catch (error: unknown) {
      // The row was not written, so its file must not stay either.
      await blobStore.delete(row.storage_key);
      if (!db.dialect.isUniqueViolation(error)) throw error;
      // A concurrent upload with the same id won, or the id belongs to another team.
      const winner = await repo.findById(row.team_id, row.id);
      if (!winner) throw errors.idInUse();
      return sameBytesOrConflict(winner, facts);
    }
  }

  /**
   * USER-role keys see only their own objects (API.md §1): the photos they uploaded and the
   * photos attached to a process or task they may see. Any other photo is not found for them.
   */
  async function mayFetch(principal: Principal, row: Pick<PhotoRow, 'id' | 'user_id'>, via: Db = db): Promise<boolean> {
    if (principal.roleType !== 'USER' || row.user_id === principal.userId) return true;
    return deps.photoVisibleTo(principal, row.id, via);
  }

  return {
    /**
     * Upload Photo (API.md §7). The file is streamed to storage outside any transaction and
     * renamed into place before its row is inserted, so a row never exists without its whole
     * file; a crash in between leaves only an unreferenced file.
     */
    async upload(principal: Principal, requestedId: string | undefined, parts: AsyncIterable<UploadPart>): Promise<PhotoWire> {
      const photoId = requestedId === undefined ? newId() : canonicalId(requestedId);
      if (photoId === null) throw errors.invalidPhotoId();
      const existing = requestedId === undefined ? undefined : await repo.findById(principal.teamId, photoId);
      const form = await readForm(parts, (file) => (existing ? hashOnly(file) : storeFile(principal.teamId, file)), blobStore);
      if (existing) {
        // A USER key that may not see the photo learns no more than another team would.
        if (!(await mayFetch(principal, existing))) throw errors.idInUse();
        return sameBytesOrConflict(existing, form.photo.facts);
      }

      const { facts, key, width, height } = form.photo;
      const now = clock();
      const row: PhotoRow = {
        id: photoId,
        team_id: principal.teamId,
        user_id: principal.userId || null,
        filename: form.filename,
        filetype: form.filetype ?? defaultFiletype(facts.mimeType),
        mime_type: facts.mimeType,
        size: facts.size,
        sha256: facts.sha256,
        width,
        height,
        is_public: 0,
        storage_key: key!,
        created_at: now,
        updated_at: now,
      };
      return insertOrResolve(row, facts);
    },

    /** Fetch Photo: the object plus a signed link to its bytes, valid 5 minutes. */
    async get(principal: Principal, photoId: string): Promise<PhotoWithUrlWire> {
      const id = canonicalId(photoId);
      if (id === null) throw errors.invalidPhotoId();
      const row = await repo.findById(principal.teamId, id);
      if (!row || !(await mayFetch(principal, row))) throw errors.photoNotFound();
      return { ...toPhotoWire(row), url: signedDownloadUrl(deps.publicUrl, deps.secretKey, row.id, clock() + LINK_TTL_MS) };
    },

    /** The bytes behind a signed link; expired or tampered links are refused before any lookup. */
    async openDownload(photoId: string, expires: string | undefined, signature: string | undefined): Promise<PhotoDownload> {
      const id = canonicalId(photoId);
      const now = clock();
      const check = id === null ? ({ ok: false, reason: 'invalid' } as const) : checkDownloadLink(deps.secretKey, id, expires, signature, now);
      if (!check.ok) throw check.reason === 'expired' ? errors.linkExpired() : errors.linkInvalid();
      const row = await repo.findForSignedLink(id!);
      if (!row) throw errors.photoNotFound();
      const blob = await blobStore.get(row.storage_key);
      if (blob === null || blob.size !== row.size) {
        blob?.stream.destroy();
        throw new Error(`Stored file of photo ${row.id} is missing or has the wrong size`);
      }
      const maxAgeSeconds = Math.max(0, Math.floor((check.expiresAt - now) / 1000));
      return { stream: blob.stream, size: blob.size, mimeType: row.mime_type, sha256: row.sha256, maxAgeSeconds };
    },

    /**
     * Which of `photoIds` the caller may not attach to what it writes: ids that are not photos
     * of the team, and, for a USER key, photos it could not fetch itself (writing an id into a
     * process it sees must not be a way to see someone else's photo). Pass the caller's
     * transaction as `tx` to check inside it.
     */
    async missingPhotoIds(principal: Principal, photoIds: readonly string[], tx: Db = db): Promise<string[]> {
      const canonical = photoIds.map((value) => canonicalId(value));
      const known = await createPhotosRepo(tx).uploaders(principal.teamId, [...new Set(canonical.filter((id): id is string => id !== null))]);
      const usable = new Set<string>();
      for (const [id, uploader] of known) if (await mayFetch(principal, { id, user_id: uploader }, tx)) usable.add(id);
      return photoIds.filter((_, i) => canonical[i] === null || !usable.has(canonical[i]!));
    },
  };
}

export type PhotosService = ReturnType<typeof createPhotosService>;

interface UploadForm {
  readonly photo: StagedPhoto;
  readonly filename: string;
  readonly filetype: string | undefined;
}

/** Reads the parts in order; whatever was stored is removed again if the form turns out bad. */
async function readForm(
  parts: AsyncIterable<UploadPart>,
  onPhoto: (file: Readable) => Promise<StagedPhoto>,
  blobStore: BlobStore,
): Promise<UploadForm> {
  let photo: StagedPhoto | undefined;
  let partFilename = '';
  const fields = new Map<string, string>();
  try {
    for await (const part of parts) {
      if (part.kind === 'file') {
        if (part.name !== 'photo') throw errors.unexpectedFile(part.name);
        if (photo) throw errors.repeatedField('photo');
        partFilename = part.filename.slice(0, MAX_TEXT_FIELD);
        photo = await onPhoto(part.stream);
        continue;
      }
      if (part.name === 'photo') throw errors.photoNotAFile();
      if (part.name !== 'filename' && part.name !== 'filetype') throw errors.unknownField(part.name);
      if (fields.has(part.name)) throw errors.repeatedField(part.name);
      if (part.truncated || part.value.length > MAX_TEXT_FIELD) throw errors.fieldTooLong(part.name, MAX_TEXT_FIELD);
      fields.set(part.name, part.value);
    }
  } catch (error: unknown) {
    if (photo?.key) await blobStore.delete(photo.key);
    throw error;
  }
  if (!photo) throw errors.photoRequired();
  // An empty field counts as not sent.
  return { photo, filename: fields.get('filename') || partFilename, filetype: fields.get('filetype') || undefined };
}
