import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the fake gateway received it. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** Header names as written on the wire. */
  rawHeaderNames: string[];
  body: string;
}

export type FakeGatewayHandler = (
  request: ReceivedRequest,
  response: ServerResponse,
  incoming: IncomingMessage,
) => void;

export interface FakeGateway {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Every request received, complete with its body, in arrival order. */
  requests: ReceivedRequest[];
  /** TCP connections accepted so far. */
  connections: number;
  /** TCP connections that have closed so far. */
  closedConnections: number;
  /** How the next requests are answered (default: 500). */
  handle(handler: FakeGatewayHandler): void;
  /** Resolves as soon as `condition` holds, re-checked on every request and connection event. */
  waitUntil(condition: () => boolean): Promise<void>;
  /** Drops every connection and stops listening (again: nothing). */
  close(): Promise<void>;
}

/** A stand-in for Vexora on 127.0.0.1 and an ephemeral port, for the client's unit tests. */
export async function startFakeGateway(): Promise<FakeGateway> {
  const waiters = new Set<{ condition: () => boolean; resolve: () => void }>();
  const check = () => {
    for (const waiter of waiters) {
      if (waiter.condition()) {
        waiters.delete(waiter);
        waiter.resolve();
      }
    }
  };
  let handler: FakeGatewayHandler = (_request, response) => {
    response.writeHead(500).end('no handler');
  };

  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request: ReceivedRequest = {
        method: incoming.method ?? '',
        url: incoming.url ?? '',
        headers: incoming.headers,
        rawHeaderNames: incoming.rawHeaders.filter((_value, index) => index % 2 === 0),
        body: Buffer.concat(chunks).toString('utf8'),
      };
      gateway.requests.push(request);
      handler(request, response, incoming);
      check();
    });
  });
  server.on('connection', (socket) => {
    gateway.connections += 1;
    socket.on('close', () => {
      gateway.closedConnections += 1;
      check();
    });
    check();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  const gateway: FakeGateway = {
    url: `http://127.0.0.1:${port}`,
    port,
    requests: [],
    connections: 0,
    closedConnections: 0,
    handle(next) {
      handler = next;
    },
    waitUntil(condition) {
      if (condition()) return Promise.resolve();
      return new Promise((resolve) => waiters.add({ condition, resolve }));
    },
    async close() {
      if (!server.listening) return;
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
  return gateway;
}

/** Answers with a JSON text (written as given, so number literals keep their form) or value. */
export function sendJson(
  response: ServerResponse,
  body: string | object,
  status = 200,
  headers: Record<string, string> = {},
): void {
  response
    .writeHead(status, { 'content-type': 'application/json', ...headers })
    .end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** A port on 127.0.0.1 where nothing listens (it was free a moment ago). */
export async function findClosedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
