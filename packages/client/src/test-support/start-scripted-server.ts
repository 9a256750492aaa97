import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** What the server does with one request: answer, or drop the connection (a network error). */
export type ScriptStep =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | 'reset'
  | 'hang'
  | ((request: RecordedRequest) => { status: number; body?: unknown; headers?: Record<string, string> });

export interface ScriptedServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * A real HTTP server on a free loopback port that answers each request with the next step of a
 * script (the last step repeats): enough to prove a client's retry policy over real sockets.
 */
export async function startScriptedServer(script: ScriptStep[]): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const recorded: RecordedRequest = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      const step = script[Math.min(requests.length - 1, script.length - 1)];
      if (step === 'reset' || step === undefined) {
        request.socket.destroy();
        return;
      }
      if (step === 'hang') {
        hanging.add(response);
        return;
      }
      const answer = typeof step === 'function' ? step(recorded) : step;
      const isProblem = answer.status >= 400;
      response.writeHead(answer.status, {
        'content-type': isProblem ? 'application/problem+json' : 'application/json',
        ...answer.headers,
      });
      response.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      for (const response of hanging) response.socket?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

export const problem = (status: number, code: string, extra: Record<string, unknown> = {}) => ({
  status,
  body: {
    type: `urn:vexora-checkout:problem:${code}`,
    title: code,
    status,
    code,
    detail: `${code} happened`,
    ...extra,
  },
});

export const intent = (overrides: Record<string, unknown> = {}) => ({
  id: '8d1f4a52-4f43-4d8e-9d51-2b8f0c6a1e01',
  state: 'PENDING',
  tradeNo: '2025061214301500000101',
  amount: '12.50',
  currency: 'USD',
  merchantReference: 'order-1',
  paymentLink: null,
  payInfo: null,
  platformTradeNo: null,
  paidAmount: null,
  createdAt: '2025-06-12T07:30:15.123Z',
  updatedAt: '2025-06-12T07:30:15.123Z',
  stateChangedAt: '2025-06-12T07:30:15.123Z',
  ...overrides,
});
