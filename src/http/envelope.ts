import type { FastifyReply } from 'fastify';

/**
 * The response envelope of API.md §0. Success: `{_data, _meta}`; errors are written by the error
 * handler only (`{_data: [], _meta: {code, requestId}, _errors: [...]}`).
 */
export interface Envelope<T, M extends object = Record<string, unknown>> {
  _data: T;
  _meta: M;
}

export function envelope<T, M extends object = Record<string, unknown>>(data: T, meta?: M): Envelope<T, M> {
  return { _data: data, _meta: meta ?? ({} as M) };
}

/**
 * Sends a success envelope around `dataJson`, JSON text the caller already has (processes built
 * as JSON by the database): written around it instead of parsed and serialized again.
 */
export function sendJsonEnvelope(reply: FastifyReply, dataJson: string, meta: Record<string, unknown> = {}): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(`{"_data":${dataJson},"_meta":${JSON.stringify(meta)}}` as never);
}

export interface ErrorEnvelope {
  _data: [];
  _meta: { code: string; requestId: string } & Record<string, unknown>;
  _errors: string[];
}

export function errorEnvelope(
  code: string,
  requestId: string,
  messages: readonly string[],
  extraMeta: Record<string, unknown> = {},
): ErrorEnvelope {
  return { _data: [], _meta: { ...extraMeta, code, requestId }, _errors: [...messages] };
}
