import assert from 'node:assert/strict';
import net from 'node:net';

export interface RawResponse {
  /** The status line, e.g. `HTTP/1.1 431 Request Header Fields Too Large`. */
  statusLine: string;
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: any;
  text: string;
}

/** Splits the first HTTP/1.1 response out of what a socket received. */
export function parseRawResponse(received: string): RawResponse {
  const end = received.indexOf('\r\n\r\n');
  assert.ok(end > 0, `no complete response head in ${JSON.stringify(received.slice(0, 200))}`);
  const [statusLine, ...lines] = received.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
  const rest = Buffer.from(received.slice(end + 4), 'latin1');
  const text = (length === undefined ? rest : rest.subarray(0, length)).toString('utf8');
  const isJson = (headers['content-type'] ?? '').includes('json');
  return { statusLine, status: Number(statusLine.split(' ')[1]), headers, body: isJson && text ? JSON.parse(text) : text, text };
}

/**
 * Sends `request` exactly as written (nothing a client library would fix up or refuse) and
 * reads until the server closes the connection, or `timeoutMs` pass.
 */
export function sendRaw(baseUrl: string, request: string | Buffer, timeoutMs = 3000): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(request));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      try {
        resolve(parseRawResponse(Buffer.concat(chunks).toString('latin1')));
      } catch (error: unknown) {
        reject(error);
      }
    });
  });
}

/** A request head with `Host` and `Connection: close`; `lines` are further header lines. */
export function requestText(method: string, target: string, lines: readonly string[] = [], body = ''): string {
  const head = [`${method} ${target} HTTP/1.1`, 'Host: localhost', 'Connection: close', ...lines];
  if (body) head.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${head.join('\r\n')}\r\n\r\n${body}`;
}

/** The error envelope of API.md §0, with the request id in the header and in `_meta` alike. */
export function assertEnvelope(res: { status: number; headers: Record<string, string> | Headers; body: any }, status: number, code: string): string[] {
  const header = (name: string) => (res.headers instanceof Headers ? res.headers.get(name) : res.headers[name]) ?? undefined;
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.match(header('content-type') ?? '', /^application\/json/);
  assert.equal(typeof res.body, 'object', `not JSON: ${String(res.body)}`);
  assert.deepEqual(Object.keys(res.body).sort(), ['_data', '_errors', '_meta']);
  assert.deepEqual(res.body._data, []);
  assert.equal(res.body._meta.code, code);
  const id = header('x-request-id');
  assert.ok(id, 'x-request-id header');
  assert.equal(res.body._meta.requestId, id);
  assert.ok(Array.isArray(res.body._errors) && res.body._errors.length > 0);
  for (const message of res.body._errors) assert.equal(typeof message, 'string');
  return res.body._errors;
}
