import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Gauge, Registry } from 'prom-client';
import { describe, expect, test } from 'vitest';
import { serveMetrics } from './serve-metrics.js';

/** Just what serveMetrics uses of a response: the status, headers and body it ends with. */
function recordingResponse() {
  const sent: { status?: number; headers?: Record<string, string>; body?: string } = {};
  const response = {
    writeHead(status: number, headers: Record<string, string>) {
      sent.status = status;
      sent.headers = headers;
      return response;
    },
    end(body: string) {
      sent.body = body;
      return response;
    },
  };
  return { response: response as unknown as ServerResponse, sent };
}

function recordingLogger() {
  const warnings: { obj: object; msg: string }[] = [];
  return { warnings, warn: (obj: object, msg: string) => warnings.push({ obj, msg }) };
}

describe('serveMetrics', () => {
  test('renders every series like Registry.metrics() when all collect', async () => {
    const registry = new Registry();
    new Counter({ name: 'a_total', help: 'a', registers: [registry] }).inc(3);
    new Gauge({ name: 'b', help: 'b', labelNames: ['x'] as const, registers: [registry] }).set({ x: 'y' }, 2);
    const { response, sent } = recordingResponse();
    await serveMetrics(registry, recordingLogger(), {} as IncomingMessage, response);
    expect(sent.status).toBe(200);
    expect(sent.headers?.['content-type']).toBe(registry.contentType);
    expect(sent.body).toBe(await registry.metrics());
  });

  test('leaves out a series whose collection throws or hangs, logs it, and answers with the rest', async () => {
    const registry = new Registry();
    new Counter({ name: 'kept_total', help: 'kept', registers: [registry] }).inc();
    new Gauge({
      name: 'throwing',
      help: 'its database is gone',
      registers: [registry],
      collect() {
        throw new Error('connection refused');
      },
    });
    new Gauge({
      name: 'hanging',
      help: 'its database does not answer',
      registers: [registry],
      collect: () => new Promise<void>(() => undefined),
    });
    const logger = recordingLogger();
    const { response, sent } = recordingResponse();
    await serveMetrics(registry, logger, {} as IncomingMessage, response, { perMetricTimeoutMs: 20 });
    expect(sent.status).toBe(200);
    expect(sent.body).toContain('kept_total 1');
    expect(sent.body).not.toContain('throwing');
    expect(sent.body).not.toContain('hanging');
    expect(logger.warnings.map(({ obj }) => (obj as { metric: string }).metric).sort()).toEqual([
      'hanging',
      'throwing',
    ]);
  });
});
