/**
 * A template's review: PENDING until the configured approval delay passes (at once by
 * default), REJECTED when its name is on the reject list. Every status change is announced
 * with Meta's `message_template_status_update` webhook.
 */
import type { SandboxCore } from './sandbox-core.ts';
import type { TemplateRecord, TemplateStatus } from './template-store.ts';
import { webhookEnvelope } from './webhook-body.ts';

/** Events Meta sends that are not statuses of their own. */
export type TemplateEvent = TemplateStatus | 'FLAGGED' | 'REINSTATED' | 'UNARCHIVED' | 'LOCKED';

const STATUS_OF_EVENT: Partial<Record<TemplateEvent, TemplateStatus>> = { REINSTATED: 'APPROVED', UNARCHIVED: 'APPROVED' };

export function startReview(core: SandboxCore, template: TemplateRecord): void {
  if (core.settings.rejectTemplateNames.includes(template.name)) {
    applyTemplateEvent(core, template, 'REJECTED', 'INVALID_FORMAT');
    return;
  }
  const delay = core.settings.templateApprovalDelayMs;
  if (delay <= 0) {
    applyTemplateEvent(core, template, 'APPROVED');
    return;
  }
  template.status = 'PENDING';
  core.scheduler.schedule(() => {
    // Someone may have changed or deleted it meanwhile; only a pending template gets approved.
    if (core.templates.get(template.id) === template && template.status === 'PENDING') applyTemplateEvent(core, template, 'APPROVED');
  }, delay);
}

/** Sets the status an event implies and sends the status-update webhook. */
export function applyTemplateEvent(core: SandboxCore, template: TemplateRecord, event: TemplateEvent, reason?: string): void {
  const status = STATUS_OF_EVENT[event] ?? (event === 'FLAGGED' || event === 'LOCKED' ? null : event);
  if (status) template.status = status as TemplateStatus;
  if (status === 'REJECTED') template.rejectedReason = reason ?? 'INVALID_FORMAT';
  const account = core.accounts.account(template.wabaId);
  if (!account) return;
  const value = {
    event,
    message_template_id: Number(template.id),
    message_template_name: template.name,
    message_template_language: template.language,
    reason: event === 'REJECTED' ? template.rejectedReason : reason ?? null,
    message_template_category: template.category,
  };
  core.webhooks.send(account, webhookEnvelope(account.wabaId, 'message_template_status_update', value, Math.floor(core.clock() / 1000)));
}
