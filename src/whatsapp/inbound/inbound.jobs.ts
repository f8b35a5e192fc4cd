import { Type } from 'typebox';
import { defineJob } from '../../jobs/index.ts';

const HOUR = 60 * 60 * 1000;

/**
 * Processing of one kept inbound event. Decision: tried for up to 24 hours (Meta's own retry
 * horizon), the first retry after 1 s and the wait doubling up to 10 minutes, so a short outage
 * of Meta's media downloads or of the database is caught up quickly.
 *
 * Decision: a status for a wamid not kept yet, while a send to its recipient is still waiting for
 * Meta's answer, is looked at again after 2, 4 and 8 s (statusRound); any other unknown wamid
 * changes nothing (it is forwarded pass-through only).
 */
export const INBOUND_EVENT_JOB = defineJob({
  name: 'whatsapp.inbound-event',
  queue: 'inbound',
  payload: Type.Object({
    eventId: Type.String(), teamId: Type.String(), pluginId: Type.String(),
    /** A later look at statuses that came before their send's answer was kept (1, 2, 3 …). */
    statusRound: Type.Optional(Type.Integer({ minimum: 1 })),
  }),
  retry: { windowMs: 24 * HOUR, firstDelayMs: 1000, maxDelayMs: 10 * 60 * 1000 },
});
