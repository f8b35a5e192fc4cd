/**
 * Everything the sandbox remembers, in memory, and the services every route shares (time,
 * webhooks). `reset` forgets it all and cancels whatever was scheduled.
 */
import type { Logger } from '../../shared/logger.ts';
import { AccountRegistry } from './account-registry.ts';
import { CallStore } from './call-store.ts';
import { MediaStore } from './media-store.ts';
import { RateLimits } from './rate-limits.ts';
import { applySettingsPatch, DEFAULT_SETTINGS, NO_FAILURES } from './sandbox-settings.ts';
import { systemScheduler, TrackedScheduler, type Clock } from './sandbox-time.ts';
import type { FailureModes, SandboxAccount, SandboxOptions, SandboxSettings, SandboxSettingsPatch, SentMessage, WebhookDelivery } from './sandbox.types.ts';
import { TemplateStore } from './template-store.ts';
import { WebhookSender } from './webhook-sender.ts';

export interface ReadReceipt {
  readonly phoneNumberId: string;
  readonly messageId: string;
  readonly typingIndicator: boolean;
  readonly at: number;
}

/** An inbound message the sandbox delivered, so mark-as-read can be checked against it. */
export interface InboundRecord {
  readonly id: string;
  readonly phoneNumberId: string;
  readonly from: string;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly at: number;
}

export class SandboxCore {
  readonly clock: Clock;
  readonly scheduler: TrackedScheduler;
  readonly logger: Logger | undefined;
  readonly publicUrl: string | undefined;
  readonly accounts = new AccountRegistry();
  readonly templates = new TemplateStore();
  readonly media = new MediaStore();
  readonly limits = new RateLimits();
  readonly calls = new CallStore();
  readonly webhooks: WebhookSender;
  settings: SandboxSettings;
  failures: FailureModes = NO_FAILURES;
  sent: SentMessage[] = [];
  readReceipts: ReadReceipt[] = [];
  inbound: InboundRecord[] = [];
  deliveries: WebhookDelivery[] = [];
  readonly #initialSettings: SandboxSettings;
  readonly #initialAccounts: readonly SandboxAccount[];
  readonly #sampleTemplates: boolean;
  /** When each user last wrote to each business number: `${phoneNumberId}|${waId}` → ms. */
  readonly #lastInbound = new Map<string, number>();

  constructor(options: SandboxOptions = {}) {
    this.clock = options.clock ?? (() => Date.now());
    this.scheduler = new TrackedScheduler(options.scheduler ?? systemScheduler);
    this.logger = options.logger;
    this.publicUrl = options.publicUrl?.replace(/\/+$/, '');
    this.#initialSettings = applySettingsPatch(DEFAULT_SETTINGS, options.settings);
    this.settings = this.#initialSettings;
    this.#initialAccounts = options.accounts ?? [];
    this.#sampleTemplates = options.sampleTemplates ?? true;
    for (const account of this.#initialAccounts) this.registerAccount(account);
    this.webhooks = new WebhookSender({
      scheduler: this.scheduler,
      settings: () => this.settings,
      logger: this.logger,
      record: (delivery) => this.deliveries.push(delivery),
    });
  }

  /** Registers (or replaces) an account; a new WABA comes with Meta's sample template, as at Meta. */
  registerAccount(account: SandboxAccount): void {
    this.accounts.register(account);
    this.seedSampleTemplate(account.wabaId);
  }

  /** Meta gives every WhatsApp Business Account an approved `hello_world` (en_US) to start with. */
  seedSampleTemplate(wabaId: string): void {
    if (!this.#sampleTemplates || this.templates.find(wabaId, 'hello_world', 'en_US')) return;
    const sample = this.templates.create(wabaId, {
      name: 'hello_world', language: 'en_US', category: 'UTILITY',
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Hello World' },
        { type: 'BODY', text: 'Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API, hosted by Meta. Thank you for taking the time to test with us.' },
        { type: 'FOOTER', text: 'WhatsApp Business Platform sample message' },
      ],
    });
    sample.status = 'APPROVED';
  }

  updateSettings(patch: SandboxSettingsPatch): void {
    this.settings = applySettingsPatch(this.settings, patch);
  }

  /** A user wrote (or called): their 24-hour customer-service window starts again. */
  openWindow(phoneNumberId: string, waId: string): void {
    this.#lastInbound.set(`${phoneNumberId}|${waId}`, this.clock());
  }

  isWindowOpen(phoneNumberId: string, waId: string): boolean {
    const last = this.#lastInbound.get(`${phoneNumberId}|${waId}`);
    return last !== undefined && this.clock() - last < this.settings.customerServiceWindowMs;
  }

  /**
   * Forgets all state: messages, templates, media, windows, calls, failure modes and changed
   * settings. Accounts are configuration and stay, unless `forgetAccounts` (then the ones given
   * at start-up come back).
   */
  reset(options: { forgetAccounts?: boolean } = {}): void {
    this.scheduler.cancelAll();
    this.webhooks.abortInFlight();
    if (options.forgetAccounts) {
      this.accounts.clear();
      for (const account of this.#initialAccounts) this.accounts.register(account);
    }
    this.templates.clear();
    for (const account of this.accounts.list()) this.seedSampleTemplate(account.wabaId);
    this.media.clear();
    this.limits.clear();
    this.calls.clear();
    this.#lastInbound.clear();
    this.settings = this.#initialSettings;
    this.failures = NO_FAILURES;
    this.sent = [];
    this.readReceipts = [];
    this.inbound = [];
    this.deliveries = [];
  }

  close(): void {
    this.scheduler.cancelAll();
    this.webhooks.abortInFlight();
  }
}
