// A TCP round-robin balancer in front of the webhook replicas, as a load balancer would stand in
// front of them: a connection goes to the next replica, or to another one when that one refuses
// (it is down). A connection cut by a replica's death stays cut: the sender retries.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface Balancer {
  port: number;
  close(): Promise<void>;
}

export async function startBalancer(upstreamPorts: readonly number[]): Promise<Balancer> {
  let next = 0;
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const server: Server = createServer((client) => {
    track(client);
    client.pause();
    const tryUpstream = (tries: number) => {
      const port = upstreamPorts[next % upstreamPorts.length]!;
      next += 1;
      const upstream = createConnection({ host: '127.0.0.1', port });
      track(upstream);
      let connected = false;
      upstream.once('connect', () => {
        connected = true;
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
      upstream.on('error', () => {
        if (!connected && tries > 1) tryUpstream(tries - 1);
        else client.destroy();
      });
      client.on('error', () => upstream.destroy());
      upstream.once('close', () => {
        if (connected) client.destroy();
      });
      client.once('close', () => upstream.destroy());
    };
    tryUpstream(upstreamPorts.length * 2);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the balancer has no port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
