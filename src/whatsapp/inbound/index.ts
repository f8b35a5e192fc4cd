import { createInboundRepo } from './inbound.repo.ts';
import { createInboundProcessor, type ProcessorDeps } from './inbound-processor.ts';
import { createInboundReceiver } from './inbound-receiver.ts';
import { INBOUND_EVENT_JOB } from './inbound.jobs.ts';
import { inboundRoutes } from './inbound.routes.ts';

export { INBOUND_EVENT_JOB } from './inbound.jobs.ts';

export type InboundDeps = ProcessorDeps;

/** Inbound WhatsApp events (API.md §8.4): Meta's webhook receiver and the job that processes what it keeps. */
export function createInboundModule(deps: InboundDeps) {
  const receiver = createInboundReceiver(deps);
  deps.engine.register(INBOUND_EVENT_JOB, createInboundProcessor(deps));
  return {
    receiver,
    routes: inboundRoutes(receiver),
    /** Maintenance: processed raw events past the retention are removed (decision: the jobs' retention, JOB_RETENTION_DAYS). */
    purgeProcessed: (before: number) => createInboundRepo(deps.db).purgeProcessed(before),
  };
}
