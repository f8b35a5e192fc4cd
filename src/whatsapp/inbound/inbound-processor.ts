import type { Static } from 'typebox';
import type { JobEngine, JobOutcome } from '../../jobs/index.ts';
import type { ProcessesService } from '../../platform/processes/index.ts';
import type { WebhookPublisher } from '../../webhooks/index.ts';
import type { PluginRow, PluginsService } from '../plugins/index.ts';
import { GRAPH_API_VERSION } from '../templates/index.ts';
import { applyEvent } from './inbound-apply.ts';
import { keepInboundMedia, type InboundMediaDeps } from './inbound-media.ts';
import { mediaIdOf, parseEvent, type ParsedEvent } from './inbound-payload.ts';
import { INBOUND_EVENT_JOB } from './inbound.jobs.ts';
import { createInboundRepo, type InboundEventRow } from './inbound.repo.ts';

export interface ProcessorDeps extends InboundMediaDeps {
  readonly plugins: PluginsService;
  readonly processes: ProcessesService;
  readonly webhooks: WebhookPublisher | null;
  readonly publicUrl: string;
  readonly engine: JobEngine;
  /** Drops a template from this process's send cache when Meta reports a change of its status. */
  readonly forgetTemplate?: (wabaId: string, name: string) => void;
}

const MAX_STATUS_ROUNDS = 3;

/**
 * The job that processes one kept event, outside any transaction. Its database work is one
 * transaction that also marks the event processed, so a run after a crash (or a retry) finds
 * it done and does not repeat it; media downloads come after that commit and are retried on
 * their own until every file is kept.
 */
export function createInboundProcessor(deps: ProcessorDeps) {
  const { db } = deps;
  const fetchUrl = (mediaId: string) => `${deps.publicUrl}/v1/whatsapp/${GRAPH_API_VERSION}/media/${encodeURIComponent(mediaId)}`;
  const applyDeps = { clock: deps.clock, processes: deps.processes, webhooks: deps.webhooks, fetchUrl };

  /** The event's one transaction (or, in a later status round, its statuses' transaction), then a poke for its deliveries. */
  async function apply(payload: Payload, event: InboundEventRow, plugin: PluginRow, parsed: ParsedEvent): Promise<void> {
    const round = payload.statusRound ?? 0;
    const { queued } = await db.transaction(async (tx) => {
      const result = await applyEvent(tx, applyDeps, event, plugin, parsed, round > 0);
      if (result.statusesWaiting && round < MAX_STATUS_ROUNDS) {
        const next = { eventId: payload.eventId, teamId: payload.teamId, pluginId: payload.pluginId, statusRound: round + 1 };
        await deps.engine.enqueue(tx, INBOUND_EVENT_JOB, next, { uniqueKey: `inbound-status:${payload.eventId}:${next.statusRound}`, runAt: deps.clock() + 1000 * 2 ** next.statusRound });
      }
      return result;
    });
    if (queued > 0) deps.webhooks?.poke();
  }

  return async function processInboundEvent(payload: Payload): Promise<JobOutcome> {
    const { teamId, pluginId, eventId } = payload;
    const event = await createInboundRepo(db).findEvent(teamId, eventId);
    const plugin = await deps.plugins.find(teamId, pluginId);
    if (!event) return 'done';
    if (!plugin) {
      // The plugin was removed since: nothing it would own can be written.
      deps.logger.warn({ teamId, eventId }, 'inbound event of a removed plugin left unprocessed');
      return 'done';
    }
    const parsed = parseEvent(readBody(event.body));
    const round = payload.statusRound ?? 0;
    if (round > 0 || event.processed_at === null) await apply(payload, event, plugin, parsed);
    for (const template of parsed.templateEvents) if (template.name) deps.forgetTemplate?.(plugin.waba_id, template.name);
    if (round > 0) return 'done';
    const mediaIds = parsed.messages.map(mediaIdOf).filter((id): id is string => id !== null);
    if (mediaIds.length > 0) {
      let account: ReturnType<PluginsService['accountFor']> | undefined;
      await keepInboundMedia(deps, teamId, () => (account ??= deps.plugins.accountFor(teamId, plugin.waba_id, plugin.id)), mediaIds);
    }
    return 'done';
  };
}

type Payload = Static<typeof INBOUND_EVENT_JOB.payload>;

/** The kept body (checked on receipt); one that cannot be read has nothing to apply, and is still marked processed. */
function readBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
