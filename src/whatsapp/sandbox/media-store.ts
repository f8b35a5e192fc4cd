/**
 * Uploaded media: bytes in memory, by id. A media id resolves to a download link that works for
 * the configured time (5 minutes, as Meta's) and only with the owning account's token.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { GraphError } from './graph-errors.ts';
import { newObjectId } from './sandbox-ids.ts';

export interface MediaRecord {
  readonly id: string;
  readonly wabaId: string;
  readonly phoneNumberId: string;
  readonly mimeType: string;
  readonly bytes: Buffer;
  readonly sha256: string;
  readonly uploadedAt: number;
}

/** Meta's supported types and their size limits (bytes). */
const LIMITS: readonly { readonly pattern: RegExp; readonly max: number }[] = [
  { pattern: /^audio\/(aac|amr|mpeg|mp4|ogg)$/, max: 16 * 1024 * 1024 },
  { pattern: /^image\/(jpeg|png)$/, max: 5 * 1024 * 1024 },
  { pattern: /^image\/webp$/, max: 500 * 1024 },
  { pattern: /^video\/(mp4|3gpp)$/, max: 16 * 1024 * 1024 },
  {
    pattern: /^(text\/plain|application\/pdf|application\/msword|application\/vnd\.ms-excel|application\/vnd\.ms-powerpoint|application\/vnd\.openxmlformats-officedocument\.(wordprocessingml\.document|spreadsheetml\.sheet|presentationml\.presentation))$/,
    max: 100 * 1024 * 1024,
  },
];

export const MAX_MEDIA_BYTES = 100 * 1024 * 1024;

export class MediaStore {
  readonly #media = new Map<string, MediaRecord>();
  // Signs download links so a guessed or edited link is refused like an expired one.
  readonly #linkKey = randomBytes(32);

  add(owner: { wabaId: string; phoneNumberId: string }, mimeType: string, bytes: Buffer, now: number): MediaRecord {
    const base = mimeType.split(';')[0].trim().toLowerCase();
    const limit = LIMITS.find((l) => l.pattern.test(base));
    if (!limit) throw new GraphError(131053, `Media type ${mimeType} is not supported.`);
    if (bytes.length === 0) throw new GraphError(131053, 'The uploaded file is empty.');
    if (bytes.length > limit.max) throw new GraphError(131053, `A ${base} file may be at most ${limit.max} bytes; this one is ${bytes.length}.`);
    const record: MediaRecord = {
      id: newObjectId(), ...owner, mimeType, bytes, uploadedAt: now,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
    this.#media.set(record.id, record);
    return record;
  }

  get(id: string): MediaRecord | undefined {
    return this.#media.get(id);
  }

  delete(id: string): boolean {
    return this.#media.delete(id);
  }

  /** The path and query of a link to the bytes, valid until `expiresAt` (ms). */
  downloadPath(record: MediaRecord, expiresAt: number): string {
    const ext = Math.floor(expiresAt / 1000);
    return `/whatsapp_business/attachments/?mid=${record.id}&ext=${ext}&hash=${this.#hash(record.id, ext)}`;
  }

  /** The media a download link points at, or null when it is unknown, tampered with or expired. */
  resolveDownload(query: { mid?: string; ext?: string; hash?: string }, now: number): MediaRecord | null {
    const ext = Number(query.ext);
    if (!query.mid || !Number.isInteger(ext) || query.hash !== this.#hash(query.mid, ext)) return null;
    if (now >= ext * 1000) return null;
    return this.#media.get(query.mid) ?? null;
  }

  clear(): void {
    this.#media.clear();
  }

  #hash(id: string, ext: number): string {
    return createHmac('sha256', this.#linkKey).update(`${id}:${ext}`).digest('base64url').slice(0, 22);
  }
}
