import type { Db } from '../db/database.ts';

/** The two endpoints a WhatsApp plugin can send events to (API.md §8.4). */
export const WEBHOOK_ENDPOINT_KINDS = ['passThrough', 'chakra'] as const;
export type WebhookEndpointKind = (typeof WEBHOOK_ENDPOINT_KINDS)[number];

/**
 * One event for one endpoint. `eventId` is stable for the event (a retry of the same inbound
 * event by Meta gives the same id), so a delivery enqueued twice is delivered once; `body` is
 * sent byte for byte and signed as it is.
 */
export interface OutboundDelivery {
  readonly teamId: string;
  /** The plugin the event belongs to; its webhook secret signs the delivery. */
  readonly sourceId: string;
  readonly endpoint: WebhookEndpointKind;
  readonly url: string;
  readonly eventId: string;
  /** e.g. `whatsapp` (pass-through), `message`, `deliveryStatus` — for listing and logs. */
  readonly eventType: string;
  readonly body: string;
}

/** What other modules use of the webhooks module: queue deliveries in their own transaction. */
export interface WebhookPublisher {
  /** Stores the deliveries and enqueues one job each, in `tx`; duplicates (same team, endpoint, event id) are left out. */
  enqueueDeliveries(tx: Db, deliveries: readonly OutboundDelivery[]): Promise<void>;
  /** Wakes this process's delivery workers after the transaction that enqueued committed. */
  poke(): void;
}
