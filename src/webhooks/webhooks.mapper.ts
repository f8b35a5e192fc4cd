import type { AttemptRow, DeliverySummary } from './webhooks.repo.ts';

export interface AttemptWire {
  attempt: number;
  startedAt: number;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
}

export interface DeliveryWire {
  id: string;
  eventId: string;
  eventType: string;
  endpoint: string;
  url: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  deliveredAt: number | null;
  attemptLog?: AttemptWire[];
}

const toAttemptWire = (row: AttemptRow): AttemptWire => ({
  attempt: row.attempt, startedAt: row.started_at, durationMs: row.duration_ms, statusCode: row.status_code, error: row.error,
});

/** A delivery as the Extension lists it (never its body); the attempt log when it was asked for. */
export function toDeliveryWire(row: DeliverySummary, attempts?: readonly AttemptRow[]): DeliveryWire {
  return {
    id: row.id, eventId: row.event_id, eventType: row.event_type, endpoint: row.endpoint, url: row.url, status: row.status,
    attempts: row.attempts, lastStatusCode: row.last_status_code, lastError: row.last_error,
    createdAt: row.created_at, updatedAt: row.updated_at, deliveredAt: row.delivered_at,
    ...(attempts ? { attemptLog: attempts.map(toAttemptWire) } : {}),
  };
}
