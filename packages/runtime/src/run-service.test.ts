import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from './create-logger.js';
import { runService } from './run-service.js';

const events = ['SIGTERM', 'SIGINT', 'uncaughtException', 'unhandledRejection'] as const;
// `process.listeners` is overloaded per event; one signature is enough here.
const listenersOf = (event: string) => process.listeners(event as NodeJS.Signals) as unknown[];
const before = new Map(events.map((event) => [event, listenersOf(event)]));

afterEach(() => {
  // Remove only what runService added: the test runner has listeners of its own.
  for (const event of events) {
    for (const listener of listenersOf(event)) {
      if (!before.get(event)?.includes(listener)) process.removeListener(event, listener as never);
    }
  }
});

function harness() {
  const lines: string[] = [];
  const logger = createLogger({
    service: 'test',
    level: 'info',
    destination: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    }),
  });
  let resolveExit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));
  return { lines, logger, exited, exit: (code: number) => resolveExit(code) };
}

describe('runService', () => {
  it('stops cleanly on SIGTERM and exits 0', async () => {
    const { logger, exited, exit } = harness();
    let stopped = false;
    await runService({
      logger,
      exit,
      start: () => Promise.resolve({ stop: () => Promise.resolve(void (stopped = true)) }),
    });
    process.emit('SIGTERM', 'SIGTERM');
    expect(await exited).toBe(0);
    expect(stopped).toBe(true);
  });

  it('honours a signal that arrives while starting, once started', async () => {
    const { logger, exited, exit } = harness();
    let stopped = false;
    let finishStart: () => void = () => undefined;
    const running = runService({
      logger,
      exit,
      start: () =>
        new Promise((resolve) => {
          finishStart = () => resolve({ stop: () => Promise.resolve(void (stopped = true)) });
        }),
    });
    await Promise.resolve();
    process.emit('SIGTERM', 'SIGTERM');
    expect(stopped).toBe(false);
    finishStart();
    await running;
    expect(await exited).toBe(0);
    expect(stopped).toBe(true);
  });

  it('exits 1 when starting fails', async () => {
    const { logger, exited, exit, lines } = harness();
    await runService({ logger, exit, start: () => Promise.reject(new Error('port taken')) });
    expect(await exited).toBe(1);
    expect(lines.join('')).toContain('failed to start');
  });

  it('exits 1 when stopping takes too long', async () => {
    const { logger, exited, exit } = harness();
    await runService({
      logger,
      exit,
      shutdownTimeoutMs: 20,
      start: () => Promise.resolve({ stop: () => new Promise<void>(() => undefined) }),
    });
    process.emit('SIGINT', 'SIGINT');
    expect(await exited).toBe(1);
  });
});
