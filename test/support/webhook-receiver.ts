import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the receiver does with the next request: answer with a status, or never answer. */
export type Behaviour = number | 'hang';

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The body exactly as it arrived. */
  readonly body: Buffer;
  readonly answered: Behaviour;
}

/**
 * A team's webhook endpoint: a plain HTTP server on 127.0.0.1 that records every request and
 * answers from a script (then `fallback`). It can stop listening and come back on the same port,
 * so a delivery meets a refused connection in between.
 */
export async function startWebhookReceiver(fallback: Behaviour = 200) {
  const received: ReceivedRequest[] = [];
  const script: Behaviour[] = [];
  const hanging = new Set<http.ServerResponse>();
  let answerWith = fallback;
  let port = 0;
  let server: http.Server;

  const listen = async () => {
    server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const behaviour = script.shift() ?? answerWith;
        received.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks), answered: behaviour });
        if (behaviour === 'hang') {
          hanging.add(response);
          return;
        }
        response.writeHead(behaviour, { 'content-type': 'text/plain' }).end(behaviour >= 300 && behaviour < 400 ? '' : 'ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  };
  const stop = async () => {
    for (const response of hanging) response.destroy();
    hanging.clear();
    const closing = new Promise((resolve) => server.close(resolve));
    server.closeAllConnections();
    await closing;
  };
  await listen();

  return {
    received,
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    get port() {
      return port;
    },
    /** The next requests are answered like this, in order. */
    script: (...behaviours: Behaviour[]) => void script.push(...behaviours),
    answerWith: (behaviour: Behaviour) => void (answerWith = behaviour),
    /** Stops listening: connections are refused until `restart`. */
    stop,
    restart: listen,
    close: stop,
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
