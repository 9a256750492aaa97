import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedNotification {
  raw: string;
  body: Record<string, string>;
  contentType: string;
}

export interface Receiver {
  url: string;
  received: ReceivedNotification[];
  close(): Promise<void>;
}

/**
 * A merchant's notification endpoint for tests: records every POST, answers what `answer`
 * returns for the n-th request (0-based); "OK" with HTTP 200 by default.
 */
export async function startReceiver(
  answer: (index: number, notification: ReceivedNotification) => { status: number; body: string } = () => ({
    status: 200,
    body: 'OK',
  }),
): Promise<Receiver> {
  const received: ReceivedNotification[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const notification = {
        raw,
        body: JSON.parse(raw) as Record<string, string>,
        contentType: request.headers['content-type'] ?? '',
      };
      const reply = answer(received.length, notification);
      received.push(notification);
      response.writeHead(reply.status, { 'content-type': 'text/plain' }).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/vexora/notify`,
    received,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
