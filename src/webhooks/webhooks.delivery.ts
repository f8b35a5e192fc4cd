import { createHmac } from 'node:crypto';
import type { Db } from '../db/database.ts';
import { PermanentJobError, type JobOutcome } from '../jobs/index.ts';
import type { Logger } from '../shared/logger.ts';
import type { Clock } from '../shared/time.ts';
import { NO_SIGNING_SECRET } from './webhooks.errors.ts';
import { createWebhooksRepo, type DeliveryRow } from './webhooks.repo.ts';
import type { WebhookSender } from './webhooks.sender.ts';

export interface DeliveryDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly sender: WebhookSender;
  /** Sent as `user-agent`, naming the server and its version. */
  readonly userAgent: string;
  /** The secret that signs a source's deliveries; null when none is set (or the source is gone). */
  readonly signingSecretFor: (teamId: string, sourceId: string) => Promise<string | null>;
}

/** The signature of API.md §8.4: lowercase hex HMAC-SHA256 of the exact body, no `sha256=` prefix. */
export const signBody = (secret: string, body: string): string => createHmac('sha256', secret).update(body, 'utf8').digest('hex');

/** Raised after a failed attempt was recorded, so the job engine retries it with backoff. */
class AttemptFailedError extends Error {
  override name = 'AttemptFailedError';
}

/**
 * Runs one delivery job, outside any transaction: sends the stored body once and records the
 * attempt. Idempotent: a delivery already DELIVERED (or no longer pending) is not sent again.
 */
export function createDeliveryHandler(deps: DeliveryDeps) {
  const { db, clock } = deps;

  function headersFor(delivery: DeliveryRow, secret: string, attemptAt: number): Record<string, string> {
    return {
      'content-type': 'application/json',
      'user-agent': deps.userAgent,
      'x-chakra-signature-256': signBody(secret, delivery.body),
      'x-chakra-event-id': delivery.event_id,
      // When this attempt was made, epoch ms: receivers can refuse stale replays of a captured request.
      'x-chakra-timestamp': String(attemptAt),
    };
  }

  return {
    async deliver(payload: { teamId: string; deliveryId: string }): Promise<JobOutcome> {
      const delivery = await createWebhooksRepo(db).find(payload.teamId, payload.deliveryId);
      if (!delivery || delivery.status !== 'PENDING') return 'done';
      const secret = await deps.signingSecretFor(delivery.team_id, delivery.source_id);
      if (secret === null) throw new PermanentJobError(NO_SIGNING_SECRET);
      const startedAt = clock();
      const outcome = await deps.sender.send({ url: delivery.url, body: delivery.body, headers: headersFor(delivery, secret, startedAt) });
      await db.transaction((tx) => createWebhooksRepo(tx).recordAttempt(delivery.team_id, delivery.id, { ...outcome, startedAt }, clock()));
      if (!outcome.delivered) {
        deps.logger.info({ deliveryId: delivery.id, endpoint: delivery.endpoint, statusCode: outcome.statusCode, error: outcome.error }, 'webhook delivery attempt failed');
        throw new AttemptFailedError(outcome.error ?? 'the delivery failed');
      }
      return 'done';
    },

    /** The engine gave up (24 h of failures, or a permanent error): the delivery is FAILED, its last error kept. */
    async markFailed(payload: { teamId: string; deliveryId: string }, error: string, tx: Db): Promise<void> {
      await createWebhooksRepo(tx).markFailed(payload.teamId, payload.deliveryId, error, clock());
    },
  };
}
