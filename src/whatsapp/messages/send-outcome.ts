import { GraphApiError, GraphTimeoutError } from '../graph/graph-errors.ts';

/* What a send to Meta's messages endpoint came to, as the chat log keeps it. */

/** `messages[0].id` of Meta's success answer. */
export function messageIdOf(json: unknown): string | null {
  const messages = (json as { messages?: unknown } | null)?.messages;
  const id = Array.isArray(messages) ? (messages[0] as { id?: unknown } | undefined)?.id : undefined;
  return typeof id === 'string' ? id : null;
}

/** What the chat log keeps of a failed send: Meta's error object, or why there was none. */
export function failureOf(error: unknown): Record<string, unknown> {
  if (error instanceof GraphApiError) return { status: error.status, ...(error.metaError ?? { body: error.body }) };
  if (error instanceof GraphTimeoutError) return { code: 'UPSTREAM_TIMEOUT', message: 'no answer from the Graph API in time; it may have been sent, and was not sent again' };
  return { code: 'UPSTREAM_UNAVAILABLE', message: error instanceof Error ? error.message : String(error) };
}
