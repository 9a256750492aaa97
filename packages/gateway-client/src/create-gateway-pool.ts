import { Pool } from 'undici';

/**
 * Idle keep-alive sockets are dropped after 4 s unless the server's `Keep-Alive: timeout=` hint
 * says otherwise (minus 1 s of margin, at most 30 s): closing before the server does keeps a
 * request from being written onto a socket the server is closing, which would read as
 * `connection_lost` (an unnecessary Query).
 */
export const KEEP_ALIVE = { timeoutMs: 4_000, maxTimeoutMs: 30_000, thresholdMs: 1_000 } as const;

/**
 * The client's own keep-alive pool: at most `connections` sockets to the gateway's origin, one
 * request at a time on each (no pipelining: a POST stuck behind another would share its fate).
 * undici's connect, headers and body timeouts equal the per-request deadline; the deadline itself
 * is enforced by `sendGatewayRequest` over the whole exchange.
 */
export function createGatewayPool(origin: string, options: { connections: number; timeoutMs: number }): Pool {
  return new Pool(origin, {
    connections: options.connections,
    pipelining: 1,
    connectTimeout: options.timeoutMs,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    keepAliveTimeout: KEEP_ALIVE.timeoutMs,
    keepAliveMaxTimeout: KEEP_ALIVE.maxTimeoutMs,
    keepAliveTimeoutThreshold: KEEP_ALIVE.thresholdMs,
  });
}
