import { messagesRoutes } from './messages.routes.ts';
import { createMessagesService, type MessagesDeps } from './messages.service.ts';

export type { MessagesService } from './messages.service.ts';

/** Sending WhatsApp messages (API.md §8.1). */
export function createMessagesModule(deps: MessagesDeps) {
  const service = createMessagesService(deps);
  return { service, routes: messagesRoutes(service) };
}
