import type { Db } from '../../db/database.ts';
import type { Principal } from '../../http/auth.ts';
import { AppError } from '../../shared/errors.ts';
import type { Clock } from '../../shared/time.ts';
import { markAccepted, markFailed, recordOutbound } from '../chats/chat-log.ts';
import { toChatMessageWire } from '../chats/chats.mapper.ts';
import type { GraphClient } from '../graph/graph-client.ts';
import { GraphApiError } from '../graph/graph-errors.ts';
import { upstreamError } from '../graph/upstream-errors.ts';
import { failureOf, messageIdOf } from '../messages/send-outcome.ts';
import type { PluginsService, Sender } from '../plugins/index.ts';
import type { ProcessesService } from '../../platform/processes/index.ts';
import { GRAPH_API_VERSION, type TemplateCache } from './template-cache.ts';
import { buildComponents, type MetaTemplate } from './template-components.ts';
import { readTemplateValues, recipientPhone } from './template-values.ts';
import type { TemplateSendBody } from './template-send.schemas.ts';

export interface TemplateSendDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly graph: GraphClient;
  readonly plugins: PluginsService;
  readonly templates: TemplateCache;
  readonly processes: ProcessesService;
}

/** Where a send came from and what it is about (a process, for the process variant). */
export interface SendTarget {
  readonly phone: string;
  readonly procedureId: string | null;
  readonly processId: string | null;
}

const TEMPLATE_MISSING = 132001;
const invalid = (message: string) => new AppError('VALIDATION_FAILED', 400, message);

export function createTemplateSendService(deps: TemplateSendDeps) {
  const { db, clock, graph } = deps;

  async function chooseTemplate(sender: Sender, name: string, language: string | undefined): Promise<MetaTemplate> {
    let all: MetaTemplate[];
    try {
      all = await deps.templates.templates(sender.target, sender.plugin.waba_id, name);
    } catch (error: unknown) {
      throw upstreamError(error);
    }
    const approved = all.filter((t) => (t.status ?? 'APPROVED').toUpperCase() === 'APPROVED');
    const languages = approved.map((t) => t.language);
    if (approved.length === 0) throw invalid(`templateName: no approved template named '${name}'${all.length > 0 ? ` (it is ${all.map((t) => `${t.status} in ${t.language}`).join(', ')})` : ''}`);
    if (language !== undefined) {
      const match = approved.find((t) => t.language === language);
      if (!match) throw invalid(`language: template '${name}' is not approved in '${language}'; it is in ${languages.join(', ')}`);
      return match;
    }
    if (approved.length > 1) throw invalid(`language: template '${name}' exists in ${languages.join(', ')}; say which in "language"`);
    return approved[0];
  }

  async function send(principal: Principal, pluginId: string, target: SendTarget, body: TemplateSendBody) {
    const values = readTemplateValues(body);
    const sender = await deps.plugins.senderFor(principal.teamId, pluginId, body.whatsappPhoneNumberId, 'body');
    const template = await chooseTemplate(sender, body.templateName, values.language);
    const { components, problems } = buildComponents(template, values);
    if (problems.length > 0) throw new AppError('VALIDATION_FAILED', 400, problems);
    const message = {
      messaging_product: 'whatsapp', recipient_type: 'individual', to: target.phone, type: 'template',
      template: { name: template.name, language: { code: template.language }, components },
    };
    const text = renderBody(template, components);
    const stored = await db.transaction((tx) => recordOutbound(tx, {
      teamId: principal.teamId, pluginId: sender.plugin.id, phoneNumberId: sender.phoneNumberId, body: message, userId: principal.userId, now: clock(),
      summary: { recipient: target.phone, dataType: 'template', text, attachments: [], inReplyTo: null },
      context: { contactIdentifier: target.phone, messageTemplateId: template.id ?? null },
      source: { sourceId: principal.keyId, sourceType: 'API' }, procedureId: target.procedureId, processId: target.processId,
    }));
    let answer;
    try {
      answer = await graph.request(sender.target, { method: 'POST', path: `/${GRAPH_API_VERSION}/${sender.phoneNumberId}/messages`, json: message });
    } catch (error: unknown) {
      if (error instanceof GraphApiError && error.metaError?.code === TEMPLATE_MISSING) deps.templates.forget(sender.plugin.waba_id, template.name);
      await markFailed(db, stored, failureOf(error), clock());
      throw upstreamError(error);
    }
    const wamid = messageIdOf(answer.json);
    const accepted = wamid ? await markAccepted(db, stored, wamid, clock()) : stored;
    return toChatMessageWire(accepted, db.dialect.readJson);
  }

  return {
    /** Send Whatsapp Template Message For A Phone Number (API.md §8.1). */
    sendToPhone(principal: Principal, pluginId: string, phoneNumber: string, body: TemplateSendBody) {
      return send(principal, pluginId, { phone: recipientPhone(phoneNumber), procedureId: null, processId: null }, body);
    },

    /**
     * Send Whatsapp Template Message For Process: to the process's phone (its procedure's
     * `phoneAttribute`, else its record's); the message is linked to the process.
     */
    async sendToProcess(principal: Principal, pluginId: string, procedureShortId: string, primaryKeyOrId: string, body: TemplateSendBody) {
      const { processId, procedureId, phone } = await deps.processes.recipientOf(principal, procedureShortId, primaryKeyOrId);
      if (phone === null) throw invalid(`process ${primaryKeyOrId}: it has no phone number (neither its procedure's phoneAttribute nor its record's is set)`);
      return send(principal, pluginId, { phone: recipientPhone(phone), procedureId, processId }, body);
    },
  };
}

export type TemplateSendService = ReturnType<typeof createTemplateSendService>;

/** The body text as the customer reads it, for the chat log. */
function renderBody(template: MetaTemplate, components: readonly { type: string; parameters: Record<string, unknown>[] }[]): string | null {
  const text = template.components?.find((c) => c.type.toUpperCase() === 'BODY')?.text;
  if (text === undefined) return null;
  const parameters = components.find((c) => c.type === 'body')?.parameters ?? [];
  const positional = parameters.map((p) => String(p.text ?? ''));
  const named = new Map(parameters.filter((p) => typeof p.parameter_name === 'string').map((p) => [p.parameter_name as string, String(p.text ?? '')]));
  let index = 0;
  const order = new Map<string, number>();
  return text.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (whole, name: string) => {
    if (named.has(name)) return named.get(name)!;
    if (!order.has(name)) order.set(name, index++);
    return positional[order.get(name)!] ?? whole;
  });
}
