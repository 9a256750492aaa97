import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpServerHandle {
  server: Server;
  /** The port actually bound (differs from the requested one when that was 0). */
  port: number;
  /**
   * Stops accepting connections, lets in-flight requests finish, and closes idle keep-alive
   * sockets at once. Connections still busy after `graceMs` are cut.
   */
  close(graceMs?: number): Promise<void>;
}

/** Listens on host:port and resolves once bound; rejects on EADDRINUSE and the like. */
export async function startHttpServer(
  handler: RequestListener,
  options: { host: string; port: number },
): Promise<HttpServerHandle> {
  const server = createServer(handler);
  // Keep-alive sockets from load balancers should outlive their idle timeout, not the reverse.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    server,
    port,
    close: (graceMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        timer.unref();
        server.close((error) => {
          clearTimeout(timer);
          if (error) reject(error);
          else resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
