import net from 'node:net';

/**
 * A TCP relay in front of a real server, to take that server away from one process without
 * stopping it for everybody else (the test PostgreSQL and Redis are shared by every test file).
 * `cut()` drops every relayed connection and refuses new ones, as a stopped server would;
 * `restore()` accepts them again on the same port.
 */
export interface TcpProxy {
  /** `127.0.0.1:<port>` of the proxy: put it in the process's DATABASE_URL or REDIS_URL. */
  readonly host: string;
  readonly port: number;
  /** The URL with its host and port replaced by the proxy's. */
  rewrite(url: string): string;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  const port = await listen(0);
  let listening = true;
  const stopListening = async () => {
    if (!listening) return;
    listening = false;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  return {
    host: '127.0.0.1',
    port,
    rewrite: (url) => {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(port);
      return parsed.toString();
    },
    cut: stopListening,
    restore: async () => {
      if (listening) return;
      await listen(port);
      listening = true;
    },
    close: stopListening,
  };
}
