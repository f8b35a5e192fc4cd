export interface ApiResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON when the response is JSON, else the text. */
  body: any;
}

export interface RequestOptions {
  token?: string;
  /** A value to send as JSON, or a raw string body (then set contentType). */
  json?: unknown;
  body?: string | Uint8Array | FormData;
  contentType?: string;
  headers?: Record<string, string>;
}

/** One HTTP request over the real socket, as a client would make it. */
export async function call(baseUrl: string, method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | Uint8Array | FormData | undefined = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] = 'application/json';
  }
  if (options.contentType) headers['content-type'] = options.contentType;
  const response = await fetch(baseUrl + path, { method, headers, body });
  const text = await response.text();
  const isJson = (response.headers.get('content-type') ?? '').includes('json');
  return { status: response.status, headers: response.headers, body: isJson && text ? JSON.parse(text) : text };
}

/** A client bound to a server and a token. */
export function client(baseUrl: string, token?: string) {
  const send = (method: string, path: string, options: RequestOptions = {}) => call(baseUrl, method, path, { token, ...options });
  return {
    get: (path: string, options?: RequestOptions) => send('GET', path, options),
    post: (path: string, json?: unknown, options?: RequestOptions) => send('POST', path, { json, ...options }),
    put: (path: string, json?: unknown, options?: RequestOptions) => send('PUT', path, { json, ...options }),
    patch: (path: string, json?: unknown, options?: RequestOptions) => send('PATCH', path, { json, ...options }),
    delete: (path: string, options?: RequestOptions) => send('DELETE', path, options),
    send,
  };
}
