import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signFields } from '@vexora-checkout/signing';

/** What a scripted answer does: reply with a body, or break the connection. */
export type FakeAnswer =
  { reply: Record<string, unknown>; httpStatus?: number } | { destroy: true } | { hang: true };

export interface FakeVexora {
  url: string;
  /** Every request received: path and parsed body. */
  received: { path: string; body: Record<string, unknown> }[];
  /** Queues answers per path, used in order; when empty, `fallback` answers. */
  script(path: '/v1/vexora/checkout' | '/v1/vexora/queryPayInResult', ...answers: FakeAnswer[]): void;
  close(): Promise<void>;
}

/**
 * A scripted stand-in for Vexora where a test needs one exact sequence of answers (a timeout,
 * then "not found", then acceptance). The sandbox app covers realistic behaviour elsewhere.
 */
export async function startFakeVexora(secret: string): Promise<FakeVexora> {
  const queues = new Map<string, FakeAnswer[]>();
  const received: FakeVexora['received'] = [];
  const held: ServerResponse[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    request.on('end', () => {
      const path = request.url ?? '';
      const body = JSON.parse(raw || '{}') as Record<string, unknown>;
      received.push({ path, body });
      const answer = queues.get(path)?.shift() ?? defaultAnswer(path, body);
      if ('destroy' in answer) {
        request.socket.destroy();
        return;
      }
      if ('hang' in answer) {
        held.push(response);
        return;
      }
      response.writeHead(answer.httpStatus ?? 200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(signFields(answer.reply, secret)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    script: (path, ...answers) => queues.set(path, [...(queues.get(path) ?? []), ...answers]),
    close: async () => {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function accepted(tradeNo: string, platFormTradeNo = `P-${tradeNo}`): FakeAnswer {
  return {
    reply: {
      code: '0000',
      msg: 'success',
      success: true,
      timestamp: String(Date.now()),
      data: {
        tradeNo,
        platFormTradeNo,
        status: '0015',
        paymentLink: `https://pay.example/${platFormTradeNo}`,
        payInfo: '000201',
      },
    },
  };
}

export function queryFound(tradeNo: string, status = '0015', amount = '12.50'): FakeAnswer {
  return {
    reply: {
      code: '0000',
      msg: 'success',
      success: true,
      data: { tradeNo, platFormTradeNo: `P-${tradeNo}`, status, amount },
    },
  };
}

export const queryNotFound: FakeAnswer = {
  reply: { code: '8000', msg: 'order does not exist', success: false },
};
export const rejected = (msg: string): FakeAnswer => ({ reply: { code: '8000', msg, success: false } });
export const busy: FakeAnswer = { reply: { code: '5000', msg: 'system busy', success: false } };

function defaultAnswer(path: string, body: Record<string, unknown>): FakeAnswer {
  const tradeNo = String(body.tradeNo);
  return path.endsWith('/checkout') ? accepted(tradeNo) : queryNotFound;
}
