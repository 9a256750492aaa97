import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkHealth, type HealthCheck } from './check-health.js';

/**
 * A request listener answering the health probe: 200 with every dependency "ok", 503 otherwise,
 * as JSON. Plain node:http types, so Express apps and bare servers share it.
 */
export function createHealthListener(service: string, checks: Record<string, HealthCheck>) {
  return async (_request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const report = await checkHealth(checks);
    const body = JSON.stringify({ service, ...report });
    response.writeHead(report.status === 'ok' ? 200 : 503, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    });
    response.end(body);
  };
}
