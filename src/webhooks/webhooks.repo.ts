import { sql, type Insertable, type Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import type { WebhookDeliveriesTable, WebhookDeliveryAttemptsTable, WebhookDeliveryStatus } from '../db/schema.ts';

export type DeliveryRow = Selectable<WebhookDeliveriesTable>;
export type NewDelivery = Insertable<WebhookDeliveriesTable>;
export type AttemptRow = Selectable<WebhookDeliveryAttemptsTable>;

/** What one attempt came to, as it is recorded. */
export interface AttemptRecord {
  readonly startedAt: number;
  readonly durationMs: number;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly delivered: boolean;
}

/** A delivery listed without its body (bodies can be large and carry the customers' messages). */
export type DeliverySummary = Omit<DeliveryRow, 'body'>;

const SUMMARY_COLUMNS = [
  'id', 'team_id', 'source_id', 'endpoint', 'url', 'event_id', 'event_type', 'status', 'attempts', 'replays',
  'last_status_code', 'last_error', 'created_at', 'updated_at', 'delivered_at',
] as const;

/** PostgreSQL returns bigint columns as strings. */
const toNumber = (value: number | string | null): number | null => (value === null ? null : Number(value));
function normalized<T extends { created_at: number; updated_at: number; delivered_at: number | null }>(row: T): T {
  return { ...row, created_at: Number(row.created_at), updated_at: Number(row.updated_at), delivered_at: toNumber(row.delivered_at) };
}

/** SQL of outbound webhook deliveries; every method is scoped by team. */
export function createWebhooksRepo(db: Db) {
  const q = db.kysely;
  // Lists and counts may run long: they go where long reads belong (see Db.reads).
  const reads = db.reads;
  return {
    /** Adds deliveries in one statement; one whose (team, endpoint, event id) is taken is left out. Returns the ids added. */
    async insert(rows: readonly NewDelivery[]): Promise<string[]> {
      if (rows.length === 0) return [];
      const added = await q.insertInto('webhook_deliveries').values([...rows])
        .onConflict((c) => c.columns(['team_id', 'endpoint', 'event_id']).doNothing())
        .returning('id').execute();
      return added.map((row) => row.id);
    },

    async find(teamId: string, id: string): Promise<DeliveryRow | undefined> {
      const row = await q.selectFrom('webhook_deliveries').selectAll().where('team_id', '=', teamId).where('id', '=', id).executeTakeFirst();
      return row ? normalized(row) : undefined;
    },

    /**
     * Counts the attempt and records it, in the caller's transaction. The number is taken from
     * the delivery row as it is updated, so two runs of the same delivery never share one.
     */
    async recordAttempt(teamId: string, id: string, attempt: AttemptRecord, now: number): Promise<void> {
      const updated = await q.updateTable('webhook_deliveries')
        .set({
          attempts: sql<number>`attempts + 1`, last_status_code: attempt.statusCode, last_error: attempt.error, updated_at: now,
          ...(attempt.delivered ? { status: 'DELIVERED' as const, delivered_at: now } : {}),
        })
        .where('team_id', '=', teamId).where('id', '=', id)
        .returning('attempts').executeTakeFirst();
      if (!updated) return;
      await q.insertInto('webhook_delivery_attempts').values({
        delivery_id: id, attempt: Number(updated.attempts), started_at: attempt.startedAt, duration_ms: Math.round(attempt.durationMs),
        status_code: attempt.statusCode, error: attempt.error,
      }).execute();
    },

    /** A pending delivery fails for good; the error is kept as its last one. */
    async markFailed(teamId: string, id: string, error: string, now: number): Promise<void> {
      await q.updateTable('webhook_deliveries').set({ status: 'FAILED', last_error: error, updated_at: now })
        .where('team_id', '=', teamId).where('id', '=', id).where('status', '=', 'PENDING').execute();
    },

    /** A source's deliveries, newest first. */
    async list(teamId: string, sourceId: string, status: WebhookDeliveryStatus | undefined, skip: number, limit: number): Promise<DeliverySummary[]> {
      let query = reads.selectFrom('webhook_deliveries').select(SUMMARY_COLUMNS).where('team_id', '=', teamId).where('source_id', '=', sourceId);
      if (status !== undefined) query = query.where('status', '=', status);
      const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').offset(skip).limit(limit).execute();
      return rows.map(normalized);
    },

    async count(teamId: string, sourceId: string, status: WebhookDeliveryStatus | undefined): Promise<number> {
      let query = reads.selectFrom('webhook_deliveries').select((eb) => eb.fn.countAll<number | string>().as('n')).where('team_id', '=', teamId).where('source_id', '=', sourceId);
      if (status !== undefined) query = query.where('status', '=', status);
      const row = await query.executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** The attempts of the given deliveries, in order. */
    async attemptsOf(teamId: string, deliveryIds: readonly string[]): Promise<AttemptRow[]> {
      if (deliveryIds.length === 0) return [];
      const rows = await reads.selectFrom('webhook_delivery_attempts as a')
        .innerJoin('webhook_deliveries as d', 'd.id', 'a.delivery_id')
        .select(['a.delivery_id', 'a.attempt', 'a.started_at', 'a.duration_ms', 'a.status_code', 'a.error'])
        .where('d.team_id', '=', teamId).where('a.delivery_id', 'in', [...deliveryIds])
        .orderBy('a.delivery_id').orderBy('a.attempt').execute();
      return rows.map((row) => ({ ...row, started_at: Number(row.started_at) }));
    },

    /**
     * Puts FAILED deliveries of a source back to PENDING (all of them, or those among `ids`),
     * counting the replay; returns each one's id and new replay count.
     */
    async reopenFailed(teamId: string, sourceId: string, ids: readonly string[] | null, now: number): Promise<{ id: string; replays: number }[]> {
      if (ids !== null && ids.length === 0) return [];
      let query = q.updateTable('webhook_deliveries').set({ status: 'PENDING', replays: sql<number>`replays + 1`, updated_at: now })
        .where('team_id', '=', teamId).where('source_id', '=', sourceId).where('status', '=', 'FAILED');
      if (ids !== null) query = query.where('id', 'in', [...ids]);
      const rows = await query.returning(['id', 'replays']).execute();
      return rows.map((row) => ({ id: row.id, replays: Number(row.replays) }));
    },

    /**
     * Housekeeping across teams (the one method that is not scoped by team, like the job queue's
     * purge): deliveries delivered before `before` go, with their attempts. FAILED ones stay
     * until they are replayed, so nothing undelivered disappears unseen.
     */
    async purgeDelivered(before: number): Promise<number> {
      const old = q.selectFrom('webhook_deliveries').select('id').where('status', '=', 'DELIVERED').where('delivered_at', '<', before);
      await q.deleteFrom('webhook_delivery_attempts').where('delivery_id', 'in', old).execute();
      const result = await q.deleteFrom('webhook_deliveries').where('status', '=', 'DELIVERED').where('delivered_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export type WebhooksRepo = ReturnType<typeof createWebhooksRepo>;
