// What the worker metrics and shutdown tests share: the health/metrics port of a worker process,
// a scrape of its /metrics, and the value of one series in Prometheus's text format.
import type { AppProcess } from '@vexora-checkout/testing';

/** The port the worker's health and metrics listener bound (the tests ask for port 0). */
export async function workerPort(worker: AppProcess): Promise<number> {
  const line = await worker.waitForLog((entry) => entry.msg === 'worker started; health probe listening');
  return line.port as number;
}

export async function scrapeMetrics(
  port: number,
): Promise<{ status: number; contentType: string; text: string }> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(10_000) });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    text: await response.text(),
  };
}

/**
 * The value of the sample `name{labels}` (labels matched exactly, in any order), or undefined
 * when the exposition has no such sample.
 */
export function readMetric(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const wanted = Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = (match[2] ?? '')
      .split(/,(?=[a-zA-Z_]+=")/)
      .filter(Boolean)
      .sort()
      .join(',');
    if (found === wanted) return Number(match[3]);
  }
  return undefined;
}
