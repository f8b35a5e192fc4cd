/**
 * The WhatsApp Graph API sandbox: a local, in-memory stand-in for Meta's Cloud API (messages,
 * templates, media, calling, webhooks), plus a control API under `/_sandbox/`. The server
 * talks to it with its usual Graph client; only the base URL differs.
 */
import type { FastifyInstance } from 'fastify';
import { injectInbound, type InboundInput } from './inbound-events.ts';
import { GraphError } from './graph-errors.ts';
import { buildSandbox } from './sandbox-app.ts';
import type { FailureModes, SandboxAccount, SandboxOptions, SandboxSettings, SandboxSettingsPatch, SentMessage, WebhookDelivery } from './sandbox.types.ts';

export type {
  DeliveryStatus, FailureModes, SandboxAccount, SandboxOptions, SandboxPhoneNumber, SandboxSettings, SandboxSettingsPatch,
  SentMessage, StatusDelays, StatusEventOptions, WebhookDelivery,
} from './sandbox.types.ts';
export type { InboundInput } from './inbound-events.ts';
export { createManualTime, systemScheduler, type Clock, type ManualTime, type Scheduler, type TimerHandle } from './sandbox-time.ts';
export { DEFAULT_SETTINGS } from './sandbox-settings.ts';
export { serializeLikeMeta } from './webhook-body.ts';
export { buildSandbox, type BuiltSandbox } from './sandbox-app.ts';

export const DEFAULT_SANDBOX_PORT = 8081;

export interface RunningSandbox {
  /** The base URL, e.g. `http://127.0.0.1:8081`; Graph calls go to `${url}/v21.0/…`. */
  readonly url: string;
  close(): Promise<void>;
  registerAccount(account: SandboxAccount): void;
  /** Messages accepted so far, oldest first. */
  sent(): SentMessage[];
  /** Forgets all state but the registered accounts (`forgetAccounts`: those too, but the options' ones). */
  reset(options?: { forgetAccounts?: boolean }): void;
  /** A user's message, delivered to the account's callback; returns its wamid. */
  injectInbound(phoneNumberId: string, input: InboundInput): string;
  updateSettings(patch: SandboxSettingsPatch): void;
  settings(): SandboxSettings;
  setFailures(modes: Partial<FailureModes>): void;
  /** Webhook deliveries that finished (delivered, or given up after the retries). */
  webhooks(): WebhookDelivery[];
}

/** The sandbox as a Fastify application that does not listen (for `inject` or mounting). */
export async function createSandboxApp(options: SandboxOptions = {}): Promise<FastifyInstance> {
  return (await buildSandbox(options)).app;
}

export async function startSandbox(options: SandboxOptions & { host?: string; port?: number } = {}): Promise<RunningSandbox> {
  const { app, core } = await buildSandbox(options);
  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port ?? DEFAULT_SANDBOX_PORT });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    close: () => app.close(),
    registerAccount: (account) => core.registerAccount(account),
    sent: () => [...core.sent],
    reset: (resetOptions) => core.reset(resetOptions),
    injectInbound(phoneNumberId, input) {
      const owner = core.accounts.phone(phoneNumberId);
      if (!owner) throw new GraphError(100, `phoneNumberId ${phoneNumberId} is not registered with the sandbox.`);
      return injectInbound(core, owner, input).id;
    },
    updateSettings: (patch) => core.updateSettings(patch),
    settings: () => core.settings,
    setFailures: (modes) => { core.failures = { ...core.failures, ...modes }; },
    webhooks: () => [...core.deliveries],
  };
}
