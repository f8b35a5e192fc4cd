/**
 * The control API under `/_sandbox/…`: what a test or the demo does in place of a user, of
 * Meta's reviewers and of the network. It has no authentication: the sandbox is meant for
 * loopback use.
 */
import type { FastifyInstance } from 'fastify';
import type { PhoneOwner } from './account-registry.ts';
import { endCall, startUserCall } from './call-service.ts';
import { GraphError } from './graph-errors.ts';
import { injectInbound, type InboundInput } from './inbound-events.ts';
import type { SandboxCore } from './sandbox-core.ts';
import { failureModesProblem, NO_FAILURES, settingsPatchProblem } from './sandbox-settings.ts';
import type { FailureModes, SandboxAccount, SandboxSettingsPatch } from './sandbox.types.ts';
import { applyTemplateEvent, type TemplateEvent } from './template-lifecycle.ts';
import { TEMPLATE_STATUSES } from './template-store.ts';
import { bodyObject } from './templates.routes.ts';

const TEMPLATE_EVENTS = [...TEMPLATE_STATUSES, 'FLAGGED', 'REINSTATED', 'UNARCHIVED', 'LOCKED'];
const invalid = (details: string) => new GraphError(100, details);

export function controlRoutes(core: SandboxCore) {
  return async (app: FastifyInstance): Promise<void> => {
    accountRoutes(app, core);
    eventRoutes(app, core);
    inspectionRoutes(app, core);
    failureAndSettingsRoutes(app, core);
  };
}

function phoneOf(core: SandboxCore, id: unknown): PhoneOwner {
  const owner = typeof id === 'string' ? core.accounts.phone(id) : undefined;
  if (!owner) throw invalid(`phoneNumberId ${String(id)} is not registered with the sandbox.`);
  return owner;
}

function accountRoutes(app: FastifyInstance, core: SandboxCore): void {
  app.post('/_sandbox/accounts', async (request) => {
    const account = bodyObject(request.body) as unknown as SandboxAccount;
    core.registerAccount(account);
    return { wabaId: account.wabaId, phoneNumbers: account.phoneNumbers, callbackUrl: account.callbackUrl ?? null };
  });

  app.get('/_sandbox/accounts', async () => ({
    data: core.accounts.list().map((a) => ({ wabaId: a.wabaId, phoneNumbers: a.phoneNumbers, callbackUrl: a.callbackUrl ?? null })),
  }));
}

/** What users and Meta's reviewers would do: write, call, allow calls, judge templates. */
function eventRoutes(app: FastifyInstance, core: SandboxCore): void {
  app.post('/_sandbox/inbound', async (request) => {
    const body = bodyObject(request.body);
    return injectInbound(core, phoneOf(core, body.phoneNumberId), body as unknown as InboundInput);
  });

  app.post('/_sandbox/template-status', async (request) => {
    const body = bodyObject(request.body);
    const template = typeof body.templateId === 'string' ? core.templates.get(body.templateId)
      : core.templates.find(String(body.wabaId), String(body.name), String(body.language));
    if (!template) throw invalid('No such template: give templateId, or wabaId, name and language.');
    if (typeof body.event !== 'string' || !TEMPLATE_EVENTS.includes(body.event)) throw invalid(`event must be one of ${TEMPLATE_EVENTS.join(', ')}.`);
    applyTemplateEvent(core, template, body.event as TemplateEvent, typeof body.reason === 'string' ? body.reason : undefined);
    return { id: template.id, status: template.status };
  });

  app.post('/_sandbox/calls', async (request) => {
    const body = bodyObject(request.body);
    const owner = phoneOf(core, body.phoneNumberId);
    if (body.event === 'connect') {
      const from = String(body.from ?? '').replace(/[\s()+-]/g, '');
      if (!/^\d{7,15}$/.test(from)) throw invalid('from must be the caller\'s phone number.');
      return { id: startUserCall(core, owner, from, typeof body.name === 'string' ? body.name : 'Sandbox User').id };
    }
    if (body.event !== 'terminate') throw invalid('event must be "connect" (the user calls) or "terminate" (the user hangs up).');
    const call = typeof body.callId === 'string' ? core.calls.live(owner.phone.id, body.callId) : undefined;
    if (!call) throw invalid(`callId ${String(body.callId)} is not a call in progress on this number.`);
    endCall(core, owner, call);
    return { id: call.id };
  });

  app.post('/_sandbox/call-permissions', async (request) => {
    const body = bodyObject(request.body);
    const owner = phoneOf(core, body.phoneNumberId);
    const status = body.status ?? 'temporary';
    if (status !== 'temporary' && status !== 'permanent' && status !== 'no_permission') throw invalid('status must be temporary, permanent or no_permission.');
    if (typeof body.userWaId !== 'string' || body.userWaId === '') throw invalid('userWaId is required.');
    core.calls.setPermission(owner.phone.id, body.userWaId.replace(/[\s()+-]/g, ''), status, core.clock());
    return { success: true };
  });
}

function inspectionRoutes(app: FastifyInstance, core: SandboxCore): void {
  app.get<{ Querystring: { phoneNumberId?: string; to?: string } }>('/_sandbox/sent', async (request) => {
    const { phoneNumberId, to } = request.query;
    return {
      data: core.sent.filter((m) => (!phoneNumberId || m.phoneNumberId === phoneNumberId) && (!to || m.waId === to || m.input === to)),
    };
  });
  app.get('/_sandbox/read-receipts', async () => ({ data: core.readReceipts }));
  app.get('/_sandbox/webhooks', async () => ({ data: core.deliveries }));

  app.post<{ Body: { accounts?: boolean } | undefined }>('/_sandbox/reset', async (request) => {
    core.reset({ forgetAccounts: request.body?.accounts === true });
    return { success: true };
  });
}

function failureAndSettingsRoutes(app: FastifyInstance, core: SandboxCore): void {
  app.get('/_sandbox/failures', async () => core.failures);
  app.put('/_sandbox/failures', async (request) => {
    const body = bodyObject(request.body);
    const problem = failureModesProblem(body);
    if (problem) throw invalid(problem);
    core.failures = { ...core.failures, ...(body as Partial<FailureModes>) };
    return core.failures;
  });
  app.delete('/_sandbox/failures', async () => {
    core.failures = NO_FAILURES;
    return core.failures;
  });

  app.get('/_sandbox/settings', async () => core.settings);
  app.patch('/_sandbox/settings', async (request) => {
    const problem = settingsPatchProblem(request.body);
    if (problem) throw invalid(problem);
    core.updateSettings(request.body as SandboxSettingsPatch);
    return core.settings;
  });
}
