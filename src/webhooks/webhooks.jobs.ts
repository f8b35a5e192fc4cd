import { Type } from 'typebox';
import { defineJob } from '../jobs/index.ts';

const HOUR_MS = 60 * 60 * 1000;

/**
 * One delivery of one event to one endpoint. API.md §8.4: the first retry comes about 2 s after
 * a failure, then the wait doubles (with jitter) up to an hour, for 24 hours from when it was
 * queued (or replayed); after that the delivery is FAILED and stays visible.
 */
export const deliverWebhookJob = defineJob({
  name: 'webhooks.deliver',
  queue: 'webhooks',
  payload: Type.Object({ teamId: Type.String(), deliveryId: Type.String() }, { additionalProperties: false }),
  retry: { windowMs: 24 * HOUR_MS, firstDelayMs: 2000, maxDelayMs: HOUR_MS },
});

/** One job per delivery and replay: the same delivery is never queued twice at once. */
export const deliveryJobKey = (deliveryId: string, replays: number): string => `webhook-delivery:${deliveryId}:${replays}`;
