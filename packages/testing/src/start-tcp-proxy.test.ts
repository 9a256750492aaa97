import net from 'node:net';
import { describe, expect, test } from 'vitest';
import { startTcpProxy } from './start-tcp-proxy.js';

async function echoServer(): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function roundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('error', reject);
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString());
    });
    socket.write(text);
  });
}

describe('startTcpProxy', () => {
  test('relays, refuses while cut, and relays again on the same port once restored', async () => {
    const echo = await echoServer();
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: echo.port });
    try {
      expect(await roundTrip(proxy.port, 'before')).toBe('before');
      await proxy.cut();
      await expect(roundTrip(proxy.port, 'during')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      await proxy.restore();
      expect(await roundTrip(proxy.port, 'after')).toBe('after');
    } finally {
      await proxy.close();
      await echo.close();
    }
  });

  test('cut drops connections already relayed', async () => {
    const echo = await echoServer();
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: echo.port });
    try {
      const socket = net.connect(proxy.port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      const closed = new Promise((resolve) => socket.once('close', resolve));
      socket.on('error', () => undefined);
      await proxy.cut();
      await closed;
      expect(socket.destroyed).toBe(true);
    } finally {
      await proxy.close();
      await echo.close();
    }
  });

  test('rewrite points a URL at the proxy and keeps the rest', async () => {
    const echo = await echoServer();
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: echo.port });
    try {
      expect(proxy.rewrite('postgresql://u:p@10.0.0.5:5432/db?sslmode=disable')).toBe(
        `postgresql://u:p@127.0.0.1:${proxy.port}/db?sslmode=disable`,
      );
    } finally {
      await proxy.close();
      await echo.close();
    }
  });
});
