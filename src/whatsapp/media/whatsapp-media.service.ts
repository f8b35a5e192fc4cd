import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Db } from '../../db/database.ts';
import type { Principal } from '../../http/auth.ts';
import { notFound } from '../../shared/errors.ts';
import type { Clock } from '../../shared/time.ts';
import type { BlobStore } from '../../storage/index.ts';
import type { GraphClient } from '../graph/graph-client.ts';
import { checkGraphVersion, GraphApiError } from '../graph/graph-errors.ts';
import { upstreamError } from '../graph/upstream-errors.ts';
import type { PluginsService } from '../plugins/index.ts';
import { createMediaRepo, type MediaRow } from './public-media.repo.ts';

export interface WhatsappMediaDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly blobStore: BlobStore;
  readonly graph: GraphClient;
  readonly plugins: PluginsService;
  readonly publicUrl: string;
}

const MEDIA_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Where a WhatsApp media file's bytes are kept (inbound messages' media is kept under the same key). */
export const whatsappMediaKey = (teamId: string, mediaId: string): string => `whatsapp-media/${teamId}/${mediaId.replace(/^\./, '_')}`;
const mediaNotFound = () => notFound('Media not found');

/**
 * Fetch / Show WhatsApp Media (API.md §8.3). Media is served from this server's storage: media
 * of inbound messages is kept when it arrives, and any other media id is looked up at Meta
 * through the team's plugins once, then kept too — Meta's download links expire within minutes.
 */
export function createWhatsappMediaService(deps: WhatsappMediaDeps) {
  const { db, blobStore, graph } = deps;
  const repo = () => createMediaRepo(db);

  /** Asks each of the team's plugins for the media (Meta answers only the WABA that owns it). */
  async function pull(teamId: string, version: string, mediaId: string): Promise<MediaRow> {
    for (const account of await deps.plugins.accountsOf(teamId)) {
      const { plugin } = account;
      let meta: { url?: unknown; mime_type?: unknown } | undefined;
      try {
        meta = (await graph.request(account.target, { method: 'GET', path: `/${version}/${encodeURIComponent(mediaId)}` })).json as typeof meta;
      } catch (error: unknown) {
        if (error instanceof GraphApiError && error.status < 500) continue;
        throw upstreamError(error);
      }
      if (typeof meta?.url !== 'string') continue;
      const download = await graph.request(account.target, { method: 'GET', path: meta.url, binary: true }).catch((error: unknown) => Promise.reject(upstreamError(error)));
      const bytes = download.bytes ?? Buffer.alloc(0);
      const key = whatsappMediaKey(teamId, mediaId);
      await blobStore.put(key, Readable.from([bytes]));
      const row: MediaRow = {
        team_id: teamId, media_id: mediaId, plugin_id: plugin.id, size: bytes.length, storage_key: key, created_at: deps.clock(),
        mime_type: typeof meta.mime_type === 'string' ? meta.mime_type : (download.headers.get('content-type') ?? 'application/octet-stream'),
        sha256: createHash('sha256').update(bytes).digest('hex'),
      };
      await repo().insert(row);
      return (await repo().find(teamId, mediaId)) ?? row;
    }
    throw mediaNotFound();
  }

  async function resolve(principal: Principal, version: string, mediaId: string): Promise<MediaRow> {
    checkGraphVersion(version);
    if (!MEDIA_ID.test(mediaId)) throw mediaNotFound();
    return (await repo().find(principal.teamId, mediaId)) ?? pull(principal.teamId, version, mediaId);
  }

  return {
    /** Meta's media object, whose `url` is this server's Show link (same bearer token). */
    async fetch(principal: Principal, version: string, mediaId: string) {
      const row = await resolve(principal, version, mediaId);
      return {
        messaging_product: 'whatsapp', id: row.media_id, mime_type: row.mime_type, sha256: row.sha256, file_size: row.size,
        url: `${deps.publicUrl}/v1/whatsapp/${version}/media/${encodeURIComponent(row.media_id)}/show`,
      };
    },

    async show(principal: Principal, version: string, mediaId: string): Promise<{ stream: Readable; size: number; mimeType: string; sha256: string }> {
      const row = await resolve(principal, version, mediaId);
      const blob = await blobStore.get(row.storage_key);
      if (!blob) throw mediaNotFound();
      return { stream: blob.stream, size: blob.size, mimeType: row.mime_type, sha256: row.sha256 };
    },
  };
}

export type WhatsappMediaService = ReturnType<typeof createWhatsappMediaService>;
