/** The sandbox's public shapes: accounts, settings, failure modes and what it records. */
import type { Logger } from '../../shared/logger.ts';
import type { Clock, Scheduler } from './sandbox-time.ts';

export interface SandboxPhoneNumber {
  /** The phone number id used in Graph paths (`/{v}/{id}/messages`). */
  readonly id: string;
  /** As Meta's webhook `metadata.display_phone_number` carries it: digits, no "+". */
  readonly displayPhoneNumber: string;
}

/** One WhatsApp Business Account: its token, its app secret and where its webhooks go. */
export interface SandboxAccount {
  readonly wabaId: string;
  readonly accessToken: string;
  readonly appSecret: string;
  readonly callbackUrl?: string;
  readonly phoneNumbers: readonly SandboxPhoneNumber[];
  /** The webhook version of the app; from v24.0 on status webhooks carry no `conversation`. */
  readonly webhookVersion?: string;
}

export interface StatusDelays {
  readonly sentMs: number;
  readonly deliveredMs: number;
  readonly readMs: number;
}

export interface StatusEventOptions {
  /** Skip `delivered` (Meta may, when a message is read at once). */
  readonly dropDelivered: boolean;
  /** Send every status event twice (Meta's delivery is at least once). */
  readonly duplicate: boolean;
  /** Send `read` before `delivered` (Meta does not guarantee order). */
  readonly reorder: boolean;
  /** Stop after `delivered`: the user never reads. */
  readonly skipRead: boolean;
}

export interface SandboxSettings {
  readonly templateApprovalDelayMs: number;
  /** Template names created as REJECTED. */
  readonly rejectTemplateNames: readonly string[];
  readonly statusDelays: StatusDelays;
  readonly statusEvents: StatusEventOptions;
  readonly throughput: { readonly enabled: boolean; readonly perSecond: number };
  readonly pairRate: { readonly enabled: boolean; readonly intervalMs: number; readonly burst: number };
  /** HTTP status of 130429 and 131056 (Meta's tables disagree: 429 or 400). */
  readonly throttleHttpStatus: number;
  /** Waits before each retry of a webhook answered with a non-2xx status (or not at all). */
  readonly webhookRetryDelaysMs: readonly number[];
  readonly webhookTimeoutMs: number;
  readonly mediaUrlTtlMs: number;
  readonly customerServiceWindowMs: number;
}

export type SandboxSettingsPatch = {
  readonly [K in keyof SandboxSettings]?: SandboxSettings[K] extends readonly unknown[] ? SandboxSettings[K]
    : SandboxSettings[K] extends object ? Partial<SandboxSettings[K]> : SandboxSettings[K];
};

/** Ways to make the Graph API misbehave on purpose (set through the control API). */
export interface FailureModes {
  /** The next `count` message sends fail with this Meta code. */
  readonly failNext: { readonly count: number; readonly code: number; readonly httpStatus?: number; readonly details?: string } | null;
  /** Added to every Graph API answer. */
  readonly latencyMs: number;
  /** The next `count` Graph API requests are answered with this 5xx status. */
  readonly serverErrors: { readonly count: number; readonly status: number } | null;
  /** The next `count` Graph API requests get no answer until `delayMs` has passed. */
  readonly timeouts: { readonly count: number; readonly delayMs: number } | null;
}

export interface SandboxOptions {
  readonly clock?: Clock;
  readonly scheduler?: Scheduler;
  readonly logger?: Logger;
  readonly accounts?: readonly SandboxAccount[];
  readonly settings?: SandboxSettingsPatch;
  /** The sandbox's own base URL for links it hands out; by default taken from each request. */
  readonly publicUrl?: string;
  /** Whether each new account starts with Meta's sample `hello_world` template (default true). */
  readonly sampleTemplates?: boolean;
}

export type DeliveryStatus = 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';

/** A message a business sent through the sandbox, as the control API lists it. */
export interface SentMessage {
  readonly id: string;
  readonly wabaId: string;
  readonly phoneNumberId: string;
  /** `to` (or `recipient`) as the request wrote it. */
  readonly input: string;
  /** The normalised WhatsApp id ("" for a business-scoped user id). */
  readonly waId: string;
  readonly type: string;
  /** The request body, as received. */
  readonly message: Readonly<Record<string, unknown>>;
  readonly sentAt: number;
  status: DeliveryStatus;
  error?: { readonly code: number; readonly title: string };
}

/** One webhook POST the sandbox made (or tried to). */
export interface WebhookDelivery {
  readonly wabaId: string;
  readonly url: string;
  readonly body: string;
  readonly attempts: number;
  readonly lastStatus: number | null;
  readonly delivered: boolean;
}
