import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { MetricsLogger } from './create-worker-metrics.js';
import { settleWithin } from './settle-within.js';

/**
 * `GET /metrics`: the registry in Prometheus text format. Each series is rendered on its own, so
 * one whose scrape-time collection throws or hangs (a query on a database that went away) is
 * left out and logged, and the scrape still answers with everything else.
 */
export async function serveMetrics(
  registry: Registry,
  logger: MetricsLogger,
  _request: IncomingMessage,
  response: ServerResponse,
  options: { perMetricTimeoutMs?: number } = {},
): Promise<void> {
  const timeoutMs = options.perMetricTimeoutMs ?? 5_000;
  const metrics = registry.getMetricsAsArray();
  const rendered = await Promise.allSettled(
    metrics.map((metric) =>
      settleWithin(registry.getSingleMetricAsString(metric.name), timeoutMs, `metric ${metric.name}`),
    ),
  );
  const parts: string[] = [];
  rendered.forEach((result, index) => {
    if (result.status === 'fulfilled') parts.push(result.value);
    else {
      const error: unknown = result.reason;
      logger.warn({ err: error, metric: metrics[index]?.name }, 'a metric could not be collected');
    }
  });
  // The same layout as Registry.metrics(): blocks separated by a blank line, a final newline.
  response.writeHead(200, { 'content-type': registry.contentType }).end(`${parts.join('\n\n')}\n`);
}
