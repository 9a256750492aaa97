import type { Logger } from 'pino';

export interface RunningService {
  /** Releases everything the service holds: servers, queues, pools. */
  stop(): Promise<void>;
}

export interface RunServiceOptions {
  logger: Logger;
  start(): Promise<RunningService>;
  /** How long a graceful stop may take before the process exits anyway. */
  shutdownTimeoutMs?: number;
  /** Injected in tests; the real process exits. */
  exit?: (code: number) => void;
}

/**
 * Process lifecycle shared by every app: start, then stop cleanly on SIGTERM or SIGINT (exit 0),
 * or exit 1 when starting fails, when stopping takes too long, or on an uncaught error (a
 * process in an unknown state is safer dead: the outbox and the sweeps make a restart lossless).
 */
export async function runService(options: RunServiceOptions): Promise<void> {
  const { logger } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 15_000;

  const die = (message: string, error: unknown) => {
    logger.fatal({ err: error }, message);
    logger.flush();
    exit(1);
  };
  process.on('uncaughtException', (error) => die('uncaught exception', error));
  process.on('unhandledRejection', (reason) => die('unhandled promise rejection', reason));

  // Signal handlers go in before start(): a SIGTERM that arrives while starting (an orchestrator
  // giving up on a slow start, a test stopping at the first log line) is honoured once started.
  let service: RunningService | undefined;
  let pendingSignal: NodeJS.Signals | undefined;
  let stoppingSince: number | undefined;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (!service) {
      pendingSignal = signal;
      return;
    }
    if (stoppingSince !== undefined) {
      // One Ctrl-C often arrives twice (the terminal's SIGINT, then a supervisor's SIGTERM):
      // only a later signal means "stop now".
      if (Date.now() - stoppingSince < 1_000) return;
      logger.warn({ signal }, 'second signal while stopping; exiting now');
      exit(1);
      return;
    }
    stoppingSince = Date.now();
    logger.info({ signal }, 'stopping');
    const timer = setTimeout(
      () => die(`did not stop within ${shutdownTimeoutMs} ms`, undefined),
      shutdownTimeoutMs,
    );
    timer.unref();
    try {
      await service.stop();
      clearTimeout(timer);
      logger.info('stopped');
      logger.flush();
      exit(0);
    } catch (error) {
      clearTimeout(timer);
      die('failed to stop cleanly', error);
    }
  };
  process.on('SIGTERM', (signal) => void shutdown(signal));
  process.on('SIGINT', (signal) => void shutdown(signal));

  try {
    service = await options.start();
  } catch (error) {
    die('failed to start', error);
    return;
  }
  if (pendingSignal) await shutdown(pendingSignal);
}
