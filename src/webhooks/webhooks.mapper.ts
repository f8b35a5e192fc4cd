import type { Static } from 'typebox';
import type { WebhookEndpointKind } from './webhooks.types.ts';
import type { AttemptRow, DeliverySummary } from './webhooks.repo.ts';
import type { AttemptWire, DeliveryWire } from './webhooks.schemas.ts';

/** The wire shapes are declared once, as the route schemas (webhooks.schemas.ts). */
export type AttemptWire = Static<typeof AttemptWire>;
export type DeliveryWire = Static<typeof DeliveryWire>;

const toAttemptWire = (row: AttemptRow): AttemptWire => ({
  attempt: row.attempt, startedAt: row.started_at, durationMs: row.duration_ms, statusCode: row.status_code, error: row.error,
});

/** A delivery as the Extension lists it (never its body); the attempt log when it was asked for. */
export function toDeliveryWire(row: DeliverySummary, attempts?: readonly AttemptRow[]): DeliveryWire {
  return {
    id: row.id, eventId: row.event_id, eventType: row.event_type, endpoint: row.endpoint as WebhookEndpointKind, url: row.url, status: row.status,
    attempts: row.attempts, lastStatusCode: row.last_status_code, lastError: row.last_error,
    createdAt: row.created_at, updatedAt: row.updated_at, deliveredAt: row.delivered_at,
    ...(attempts ? { attemptLog: attempts.map(toAttemptWire) } : {}),
  };
}
