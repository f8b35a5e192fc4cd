/** `POST /{v}/{phone-number-id}/messages`: every outbound message, read receipt and typing indicator. */
import type { FastifyInstance } from 'fastify';
import { requirePhone } from './graph-auth.ts';
import { handleMessagesRequest } from './message-service.ts';
import type { SandboxCore } from './sandbox-core.ts';

export function messagesRoutes(core: SandboxCore) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post<{ Params: { version: string; phoneId: string } }>('/:version/:phoneId/messages', async (request) => {
      const owner = requirePhone(core, request, request.params.phoneId);
      return handleMessagesRequest(core, owner, request.body);
    });
  };
}
