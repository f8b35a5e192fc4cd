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
