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

  let service: RunningService;
  try {
    service = await options.start();
  } catch (error) {
    die('failed to start', error);
    return;
  }

  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal while stopping; exiting now');
      exit(1);
      return;
    }
    stopping = true;
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
  process.once('SIGTERM', (signal) => void shutdown(signal));
  process.once('SIGINT', (signal) => void shutdown(signal));
}
