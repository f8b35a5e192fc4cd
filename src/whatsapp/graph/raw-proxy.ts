import type { FastifyReply } from 'fastify';
import type { GraphClient, GraphRequest } from './graph-client.ts';
import { GraphApiError } from './graph-errors.ts';
import { upstreamError } from './upstream-errors.ts';
import type { Account } from '../plugins/index.ts';

/** Meta's answer as it came: status and JSON body (the raw pass-through routes answer it unwrapped). */
export interface ProxyAnswer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * One Graph API call whose answer goes back as Meta sent it, errors included (status and
 * `{"error": {…}}`). Only a missing answer (timeout, unreachable) becomes this server's envelope.
 */
export async function forwardRaw(graph: GraphClient, account: Account, request: GraphRequest): Promise<ProxyAnswer> {
  try {
    const answer = await graph.request(account.target, request);
    return { status: answer.status, body: answer.json ?? {} };
  } catch (error: unknown) {
    if (error instanceof GraphApiError) return { status: error.status, body: error.body };
    throw upstreamError(error);
  }
}

/** The request's query string as parameters, without any access token a client put there. */
export function forwardedQuery(url: string, drop: readonly string[] = []): URLSearchParams {
  const query = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
  for (const key of ['access_token', ...drop]) query.delete(key);
  return query;
}

/** Answers Meta's status and body as they came (not the envelope). */
export function sendProxyAnswer(reply: FastifyReply, answer: ProxyAnswer): FastifyReply {
  return reply.code(answer.status).type('application/json').send(JSON.stringify(answer.body));
}
