import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Db } from '../../db/database.ts';
import { PermanentJobError } from '../../jobs/index.ts';
import type { Logger } from '../../shared/logger.ts';
import type { Clock } from '../../shared/time.ts';
import type { BlobStore } from '../../storage/index.ts';
import type { GraphClient } from '../graph/graph-client.ts';
import { GraphApiError } from '../graph/graph-errors.ts';
import { createMediaRepo, whatsappMediaKey } from '../media/index.ts';
import type { Account } from '../plugins/index.ts';
import { GRAPH_API_VERSION } from '../templates/index.ts';

export interface InboundMediaDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly blobStore: BlobStore;
  readonly graph: GraphClient;
}

/** Media ids the Fetch / Show routes can serve. */
const MEDIA_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Keeps the media of inbound messages (API.md §8.3: Meta's links expire, so the bytes are
 * fetched on arrival and served later by Fetch / Show Media). Media kept already is skipped, so
 * a retried job downloads only what is missing. A network or 5xx failure throws (the job is
 * tried again); media Meta no longer has (4xx) fails the job for good — the message stays kept.
 */
export async function keepInboundMedia(deps: InboundMediaDeps, teamId: string, account: () => Promise<Account>, mediaIds: readonly string[]): Promise<void> {
  const repo = createMediaRepo(deps.db);
  for (const mediaId of new Set(mediaIds)) {
    if (!MEDIA_ID.test(mediaId)) {
      deps.logger.warn({ teamId }, 'inbound media id not kept: not a media id Meta uses');
      continue;
    }
    if (await repo.find(teamId, mediaId)) continue;
    const { plugin, target } = await account();
    try {
      const meta = (await deps.graph.request(target, { method: 'GET', path: `/${GRAPH_API_VERSION}/${encodeURIComponent(mediaId)}` })).json as { url?: unknown; mime_type?: unknown } | undefined;
      if (typeof meta?.url !== 'string') throw new PermanentJobError(`Meta gave no download link for media ${mediaId}`);
      const download = await deps.graph.request(target, { method: 'GET', path: meta.url, binary: true });
      const bytes = download.bytes ?? Buffer.alloc(0);
      const key = whatsappMediaKey(teamId, mediaId);
      await deps.blobStore.put(key, Readable.from([bytes]));
      await repo.insert({
        team_id: teamId, media_id: mediaId, plugin_id: plugin.id, size: bytes.length, storage_key: key, created_at: deps.clock(),
        mime_type: typeof meta.mime_type === 'string' ? meta.mime_type : (download.headers.get('content-type') ?? 'application/octet-stream'),
        sha256: createHash('sha256').update(bytes).digest('hex'),
      });
    } catch (error: unknown) {
      if (error instanceof GraphApiError && error.status < 500 && error.status !== 429) {
        throw new PermanentJobError(`Meta refused media ${mediaId} (HTTP ${error.status})`, { cause: error });
      }
      throw error;
    }
  }
}
