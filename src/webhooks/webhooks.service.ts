import type { Db } from '../db/database.ts';
import type { WebhookDeliveryStatus } from '../db/schema.ts';
import type { Principal } from '../http/auth.ts';
import type { JobEngine } from '../jobs/index.ts';
import { newId, isUuid } from '../shared/ids.ts';
import type { Clock } from '../shared/time.ts';
import * as errors from './webhooks.errors.ts';
import { deliverWebhookJob, deliveryJobKey } from './webhooks.jobs.ts';
import { toDeliveryWire, type DeliveryWire } from './webhooks.mapper.ts';
import { createWebhooksRepo, type NewDelivery } from './webhooks.repo.ts';
import type { OutboundDelivery, WebhookPublisher } from './webhooks.types.ts';

export interface WebhooksServiceDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly engine: Pick<JobEngine, 'enqueueMany' | 'poke'>;
  /** 404 unless the source (a plugin) is one of the team's. */
  readonly requireSource: (teamId: string, sourceId: string) => Promise<void>;
}

export interface ListQuery {
  readonly status?: WebhookDeliveryStatus;
  readonly limit?: number;
  readonly skip?: number;
  readonly includeAttempts?: boolean;
}

const MAX_LIMIT = 100;

/** Replaying is an operator's action on the team's integrations: ADMIN and MANAGER keys only. */
const MAY_REPLAY: ReadonlySet<string> = new Set(['ADMIN', 'MANAGER']);

export function createWebhooksService(deps: WebhooksServiceDeps) {
  const { db, clock, engine } = deps;

  const publisher: WebhookPublisher = {
    async enqueueDeliveries(tx: Db, deliveries: readonly OutboundDelivery[]): Promise<void> {
      if (deliveries.length === 0) return;
      const now = clock();
      const rows: NewDelivery[] = deliveries.map((d) => ({
        id: newId(), team_id: d.teamId, source_id: d.sourceId, endpoint: d.endpoint, url: d.url, event_id: d.eventId, event_type: d.eventType,
        body: d.body, status: 'PENDING', attempts: 0, replays: 0, last_status_code: null, last_error: null, created_at: now, updated_at: now, delivered_at: null,
      }));
      // Only the rows actually added get a job: an event already stored for that endpoint is not sent again.
      const added = new Set(await createWebhooksRepo(tx).insert(rows));
      const payloads = rows.filter((row) => added.has(row.id)).map((row) => ({ teamId: row.team_id, deliveryId: row.id }));
      await engine.enqueueMany(tx, deliverWebhookJob, payloads, (p) => ({ uniqueKey: deliveryJobKey(p.deliveryId, 0) }));
    },
    poke: () => engine.poke(),
  };

  return {
    publisher,

    /** A plugin's deliveries, newest first, with `_meta.total`; any role of the team may read them. */
    async list(principal: Principal, sourceId: string, query: ListQuery): Promise<{ deliveries: DeliveryWire[]; total: number }> {
      await deps.requireSource(principal.teamId, sourceId);
      const repo = createWebhooksRepo(db);
      const limit = Math.min(query.limit ?? MAX_LIMIT, MAX_LIMIT);
      const [rows, total] = await Promise.all([
        repo.list(principal.teamId, sourceId, query.status, query.skip ?? 0, limit),
        repo.count(principal.teamId, sourceId, query.status),
      ]);
      const attempts = query.includeAttempts ? await repo.attemptsOf(principal.teamId, rows.map((r) => r.id)) : null;
      return { deliveries: rows.map((row) => toDeliveryWire(row, attempts?.filter((a) => a.delivery_id === row.id))), total };
    },

    /**
     * Queues FAILED deliveries of a plugin again (those named, else all), each PENDING with a
     * fresh 24-hour window; ids that are not FAILED deliveries of this plugin are left alone.
     */
    async replay(principal: Principal, sourceId: string, ids: readonly string[] | undefined): Promise<{ replayed: number }> {
      await deps.requireSource(principal.teamId, sourceId);
      if (!MAY_REPLAY.has(principal.roleType)) throw errors.replayForbidden();
      const wanted = ids === undefined ? null : [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
      const reopened = await db.transaction(async (tx) => {
        const rows = await createWebhooksRepo(tx).reopenFailed(principal.teamId, sourceId, wanted, clock());
        const replays = new Map(rows.map((r) => [r.id, r.replays]));
        await engine.enqueueMany(tx, deliverWebhookJob, rows.map((r) => ({ teamId: principal.teamId, deliveryId: r.id })), (p) => ({
          uniqueKey: deliveryJobKey(p.deliveryId, replays.get(p.deliveryId) ?? 0),
        }));
        return rows.length;
      });
      engine.poke();
      return { replayed: reopened };
    },
  };
}

export type WebhooksService = ReturnType<typeof createWebhooksService>;
