import type { Db } from '../../db/database.ts';
import type { Principal } from '../../http/auth.ts';
import type { Clock } from '../../shared/time.ts';
import { markAccepted, markFailed, recordOutbound } from '../chats/chat-log.ts';
import type { GraphClient } from '../graph/graph-client.ts';
import { checkGraphVersion } from '../graph/graph-errors.ts';
import { upstreamError } from '../graph/upstream-errors.ts';
import type { PluginsService } from '../plugins/index.ts';
import { isReadReceipt, summarise } from './outbound-message.ts';
import { failureOf, messageIdOf } from './send-outcome.ts';

export interface MessagesDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly graph: GraphClient;
  readonly plugins: PluginsService;
}


export function createMessagesService(deps: MessagesDeps) {
  const { db, clock, graph } = deps;

  return {
    /**
     * Whatsapp Messages API (API.md §8.1): the body goes to Meta unchanged. A message is kept in
     * the chat log before it is sent (PENDING), then marked with Meta's id, or FAILED with Meta's
     * error; a send without an answer in time is not sent again (504). Read receipts and typing
     * indicators are forwarded and answer an empty `_data`.
     */
    async passThrough(principal: Principal, pluginId: string, version: string, phoneNumberId: string, body: Record<string, unknown>) {
      checkGraphVersion(version);
      const sender = await deps.plugins.senderFor(principal.teamId, pluginId, phoneNumberId);
      const request = { method: 'POST' as const, path: `/${version}/${phoneNumberId}/messages`, json: body };
      if (isReadReceipt(body)) {
        await graph.request(sender.target, request).catch((error: unknown) => Promise.reject(upstreamError(error)));
        return {};
      }
      const summary = summarise(body);
      const message = summary === null ? null : await db.transaction((tx) => recordOutbound(tx, {
        teamId: principal.teamId, pluginId: sender.plugin.id, phoneNumberId, summary, body, userId: principal.userId, now: clock(),
        source: { sourceId: principal.keyId, sourceType: 'API' },
      }));
      let answer;
      try {
        answer = await graph.request(sender.target, request);
      } catch (error: unknown) {
        if (message) await markFailed(db, message, failureOf(error), clock());
        throw upstreamError(error);
      }
      const whatsappMessageId = messageIdOf(answer.json);
      if (message && whatsappMessageId) await markAccepted(db, message, whatsappMessageId, clock());
      return whatsappMessageId ? { whatsappMessageId } : {};
    },
  };
}

export type MessagesService = ReturnType<typeof createMessagesService>;
