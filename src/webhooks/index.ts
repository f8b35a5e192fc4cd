import type { Db } from '../db/database.ts';
import type { JobEngine } from '../jobs/index.ts';
import type { Logger } from '../shared/logger.ts';
import type { Clock } from '../shared/time.ts';
import { createDeliveryHandler } from './webhooks.delivery.ts';
import { deliverWebhookJob } from './webhooks.jobs.ts';
import { webhooksRoutes } from './webhooks.routes.ts';
import { createWebhookSender } from './webhooks.sender.ts';
import { createWebhooksService } from './webhooks.service.ts';
import { createWebhooksRepo } from './webhooks.repo.ts';

export type { OutboundDelivery, WebhookPublisher, WebhookEndpointKind } from './webhooks.types.ts';
export { WEBHOOK_ENDPOINT_KINDS } from './webhooks.types.ts';
export type { WebhooksService } from './webhooks.service.ts';
export { signBody } from './webhooks.delivery.ts';

export interface WebhooksDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly engine: JobEngine;
  /** config.webhooks: per-attempt timeout, and whether endpoints may be private addresses. */
  readonly timeoutMs: number;
  readonly allowPrivateUrls: boolean;
  readonly userAgent: string;
  /** The webhook secret of a source (a plugin); null when it has none or is gone. */
  readonly signingSecretFor: (teamId: string, sourceId: string) => Promise<string | null>;
  /** 404 unless the source is one of the team's. */
  readonly requireSource: (teamId: string, sourceId: string) => Promise<void>;
}

/**
 * Outbound webhooks: deliveries stored and queued in the caller's transaction (`publisher`),
 * sent signed by the `webhooks` queue with retries for 24 hours and every attempt recorded,
 * and the Extensions that list them and replay the failed ones.
 */
export function createWebhooksModule(deps: WebhooksDeps) {
  const sender = createWebhookSender({ timeoutMs: deps.timeoutMs, allowPrivateUrls: deps.allowPrivateUrls });
  const handler = createDeliveryHandler({ ...deps, sender });
  deps.engine.register(deliverWebhookJob, (payload) => handler.deliver(payload), { onFailed: (payload, error, tx) => handler.markFailed(payload, error, tx) });
  const service = createWebhooksService(deps);
  return {
    publisher: service.publisher, service, routes: webhooksRoutes(service),
    /** Housekeeping: delivered deliveries older than `before`, with their attempts. */
    purgeDelivered: (before: number) => createWebhooksRepo(deps.db).purgeDelivered(before),
    close: () => sender.close(),
  };
}
