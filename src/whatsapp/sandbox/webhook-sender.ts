/**
 * Delivers webhooks to an account's callback URL: one POST per event, signed over the exact
 * bytes, retried after the configured waits while the receiver answers non-2xx or not at all.
 * The sandbox never makes a request anywhere else.
 */
import type { Logger } from '../../shared/logger.ts';
import { serializeLikeMeta, signatureHeaders } from './webhook-body.ts';
import type { TrackedScheduler } from './sandbox-time.ts';
import type { SandboxAccount, SandboxSettings, WebhookDelivery } from './sandbox.types.ts';

export interface WebhookSenderDeps {
  readonly scheduler: TrackedScheduler;
  readonly settings: () => SandboxSettings;
  readonly logger?: Logger;
  /** Where each finished delivery is recorded (for the control API). */
  readonly record: (delivery: WebhookDelivery) => void;
}

export class WebhookSender {
  readonly #deps: WebhookSenderDeps;
  #aborter = new AbortController();

  constructor(deps: WebhookSenderDeps) {
    this.#deps = deps;
  }

  /** Queues one event for the account's callback; without a callback URL it is only recorded. */
  send(account: SandboxAccount, payload: unknown): void {
    const body = serializeLikeMeta(payload);
    if (!account.callbackUrl) {
      this.#deps.record({ wabaId: account.wabaId, url: '', body, attempts: 0, lastStatus: null, delivered: false });
      return;
    }
    void this.#attempt(account, account.callbackUrl, body, 1);
  }

  /** Aborts requests in flight (reset and close): their answers no longer matter. */
  abortInFlight(): void {
    this.#aborter.abort();
    this.#aborter = new AbortController();
  }

  async #attempt(account: SandboxAccount, url: string, body: string, attempt: number): Promise<void> {
    const signal = this.#aborter.signal;
    const status = await this.#post(url, body, account.appSecret, signal);
    if (signal.aborted) return;
    const retryDelays = this.#deps.settings().webhookRetryDelaysMs;
    const delivered = status !== null && status >= 200 && status < 300;
    if (delivered || attempt > retryDelays.length) {
      this.#deps.record({ wabaId: account.wabaId, url, body, attempts: attempt, lastStatus: status, delivered });
      if (!delivered) this.#deps.logger?.warn({ url, attempts: attempt, status }, 'sandbox webhook dropped after retries');
      return;
    }
    this.#deps.scheduler.schedule(() => void this.#attempt(account, url, body, attempt + 1), retryDelays[attempt - 1]);
  }

  /** The receiver's HTTP status, or null when it could not be reached in time. */
  async #post(url: string, body: string, appSecret: string, aborted: AbortSignal): Promise<number | null> {
    try {
      const signal = AbortSignal.any([aborted, AbortSignal.timeout(this.#deps.settings().webhookTimeoutMs)]);
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signatureHeaders(body, appSecret) },
        body,
        signal,
      });
      await response.arrayBuffer().catch(() => undefined);
      return response.status;
    } catch (error: unknown) {
      this.#deps.logger?.debug({ url, err: error }, 'sandbox webhook not delivered');
      return null;
    }
  }
}
