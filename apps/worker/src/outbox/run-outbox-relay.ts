import { guardPoolConnections } from '@vexora-checkout/db';
import pg from 'pg';
import { findUnroutedEvents, measureOutboxLag } from './measure-outbox-lag.js';
import {
  DEFAULT_OUTBOX_ROUTES,
  OUTBOX_CHANNEL,
  resolveRouteQueues,
  type OutboxQueues,
  type OutboxRoutes,
} from './outbox-routes.js';
import { DEFAULT_RETENTION_MS, pruneOutbox } from './prune-outbox.js';
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_PUBLISH_TIMEOUT_MS,
  publishOutboxBatch,
  withTimeout,
} from './publish-outbox-batch.js';

/** What the relay logs through; a pino logger fits. */
export interface OutboxLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface StartOutboxRelayOptions {
  databaseUrl: string;
  /** The queues of the routes, by queue name (`checkout-submit` for the default routes). */
  queues: OutboxQueues;
  logger: OutboxLogger;
  routes?: OutboxRoutes;
  /** Rows per transaction. Default 500. */
  batchSize?: number;
  /** The polling fallback: a drain this long after the last one ended. Default 1 s. */
  pollIntervalMs?: number;
  /** Published rows are deleted after this long. Default 7 days. */
  retentionMs?: number;
  /** How often published rows are pruned (and unrouted rows reported). Default 10 min. */
  pruneIntervalMs?: number;
  /** Rows per prune statement. Default 10,000. */
  pruneChunkSize?: number;
  /** Bound on one `addBulk`; past it the batch rolls back. Default 10 s. */
  publishTimeoutMs?: number;
  /** Upper bound of the retry backoff of drains and of the LISTEN connection. Default 30 s. */
  maxBackoffMs?: number;
  /**
   * How often the LISTEN connection is checked with a query. A connection dropped silently (a
   * NAT or load balancer idle timeout) would otherwise go unnoticed; the check also keeps it from
   * looking idle. Default 30 s.
   */
  listenerCheckIntervalMs?: number;
  /** Shown in pg_stat_activity. Default `vexora-outbox-relay`. */
  applicationName?: string;
}

export interface OutboxRelay {
  /** Stops the timers, waits for the drain and prune in progress, closes every connection. */
  stop(): Promise<void>;
  /** Rows this relay published since it started. */
  publishedTotal(): number;
  /** Age of the oldest unpublished row in ms (0 when none): the outbox lag, for metrics. */
  lagMs(): Promise<number>;
  /** Counters for metrics and health. */
  stats(): OutboxRelayStats;
}

export interface OutboxRelayStats {
  publishedTotal: number;
  /** Drains finished (successfully or not) since the start. */
  drains: number;
  /** Drains that failed since the start; `consecutiveFailures` resets on success. */
  failedDrains: number;
  consecutiveFailures: number;
  /** Whether a drain is running now. */
  draining: boolean;
  /** Whether the LISTEN connection is up (polling covers the gaps when it is not). */
  listening: boolean;
}

const BASE_BACKOFF_MS = 250;
const LISTENER_CHECK_TIMEOUT_MS = 10_000;
const CLOSE_TIMEOUT_MS = 5_000;
const CONNECT_TIMEOUT_MS = 10_000;
const QUERY_TIMEOUT_MS = 60_000;

/**
 * Starts the outbox relay: drains the outbox (see `publishOutboxBatch`) whenever PostgreSQL
 * notifies `outbox_event`, at the latest `pollIntervalMs` after the previous drain, and prunes
 * published rows every `pruneIntervalMs`.
 *
 * A drain publishes batches until one comes back short. Wake-ups during a drain coalesce into
 * one more drain after it (rows committed during the last batch are not lost). A failed drain is
 * logged and retried with exponential backoff; nothing throws out of the loop. The LISTEN
 * connection is re-established with backoff when it fails, and polling goes on meanwhile.
 *
 * Resolves once the LISTEN connection is up and the first drain has started; rejects (having
 * closed what it opened) when PostgreSQL cannot be reached at all, so a misconfigured worker
 * fails at start.
 */
export async function startOutboxRelay(options: StartOutboxRelayOptions): Promise<OutboxRelay> {
  const relay = new OutboxRelayLoop(options);
  try {
    await relay.start();
  } catch (error) {
    await relay.stop();
    throw error;
  }
  return {
    stop: () => relay.stop(),
    publishedTotal: () => relay.published,
    lagMs: () => measureOutboxLag(relay.pool),
    stats: () => relay.stats(),
  };
}

class OutboxRelayLoop {
  readonly pool: pg.Pool;
  published = 0;

  readonly #options: StartOutboxRelayOptions;
  readonly #logger: OutboxLogger;
  readonly #routes: OutboxRoutes;
  readonly #batchSize: number;
  readonly #pollIntervalMs: number;
  readonly #pruneIntervalMs: number;
  readonly #maxBackoffMs: number;
  readonly #applicationName: string;

  #stopping: Promise<void> | undefined;

  // Draining: at most one drain at a time; wake-ups during one set #wakeAgain.
  #drain: Promise<void> | undefined;
  #wakeAgain = false;
  #drainTimer: NodeJS.Timeout | undefined;
  #drainFailures = 0;
  #drains = 0;
  #failedDrains = 0;
  #retryAt = 0;

  // LISTEN connection.
  #listener: pg.Client | undefined;
  #connecting: Promise<void> | undefined;
  #listenerFailures = 0;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #checkTimer: NodeJS.Timeout | undefined;
  #checking: Promise<void> | undefined;

  // Pruning.
  #pruneTimer: NodeJS.Timeout | undefined;
  #pruning: Promise<void> | undefined;
  #reporting: Promise<void> | undefined;

  constructor(options: StartOutboxRelayOptions) {
    this.#options = options;
    this.#logger = options.logger;
    this.#routes = options.routes ?? DEFAULT_OUTBOX_ROUTES;
    resolveRouteQueues(this.#routes, options.queues); // fails now, not at the first batch
    this.#batchSize = positive(options.batchSize ?? DEFAULT_BATCH_SIZE, 'batchSize');
    this.#pollIntervalMs = positive(options.pollIntervalMs ?? 1_000, 'pollIntervalMs');
    this.#pruneIntervalMs = positive(options.pruneIntervalMs ?? 10 * 60_000, 'pruneIntervalMs');
    this.#maxBackoffMs = positive(options.maxBackoffMs ?? 30_000, 'maxBackoffMs');
    this.#applicationName = options.applicationName ?? 'vexora-outbox-relay';
    // Three connections: a drain, a prune and a lagMs() scrape never queue behind each other.
    this.pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: 3,
      application_name: this.#applicationName,
      // A drain must never wait forever on an unreachable or silent server: it would hold the
      // relay's only drain slot. A timed-out statement fails the drain, which is retried.
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      query_timeout: QUERY_TIMEOUT_MS,
      keepAlive: true,
    });
    // An idle pooled connection that dies (server restart, terminated backend) is replaced on
    // next use; without a listener the error would crash the process.
    this.pool.on('error', (error) => this.#logger.warn({ err: error }, 'outbox relay: idle connection lost'));
    // So is a checked-out one (a batch holding its transaction while it adds jobs to Redis).
    guardPoolConnections(this.pool);
  }

  get #stopped(): boolean {
    return this.#stopping !== undefined;
  }

  async start(): Promise<void> {
    await this.#connectListener();
    this.#logger.info(
      {
        batchSize: this.#batchSize,
        pollIntervalMs: this.#pollIntervalMs,
        eventTypes: Object.keys(this.#routes),
      },
      'outbox relay started',
    );
    this.#wake();
    this.#schedulePrune(this.#pruneIntervalMs);
    this.#reportUnrouted();
  }

  stats(): OutboxRelayStats {
    return {
      publishedTotal: this.published,
      drains: this.#drains,
      failedDrains: this.#failedDrains,
      consecutiveFailures: this.#drainFailures,
      draining: this.#drain !== undefined,
      listening: this.#listener !== undefined,
    };
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    clearTimeout(this.#drainTimer);
    clearTimeout(this.#pruneTimer);
    clearTimeout(this.#reconnectTimer);
    clearInterval(this.#checkTimer);
    // None of these rejects (each catches and logs its own errors).
    await Promise.all([this.#drain, this.#pruning, this.#reporting, this.#connecting, this.#checking]);
    const listener = this.#listener;
    this.#listener = undefined;
    if (listener) await closeClient(listener);
    await withTimeout(this.pool.end(), CLOSE_TIMEOUT_MS, 'closing the outbox relay pool').catch(
      (error: unknown) => this.#logger.warn({ err: error }, 'outbox relay: pool did not close cleanly'),
    );
    this.#logger.info({ publishedTotal: this.published }, 'outbox relay stopped');
  }

  // ---- draining ----

  /** Asks for a drain: now, after the running one, or when the retry backoff ends. */
  #wake(): void {
    if (this.#stopped) return;
    if (this.#drain) {
      this.#wakeAgain = true;
      return;
    }
    const wait = this.#retryAt - Date.now();
    if (wait > 0) {
      this.#scheduleDrain(wait);
      return;
    }
    clearTimeout(this.#drainTimer);
    this.#wakeAgain = false;
    this.#drain = this.#drainUntilEmpty().then(
      (published) => {
        this.#drains += 1;
        this.#drainFailures = 0;
        this.#retryAt = 0;
        if (published > 0) this.#logger.debug({ published }, 'outbox relay: drained');
      },
      (error: unknown) => {
        this.#drains += 1;
        this.#failedDrains += 1;
        this.#drainFailures += 1;
        const delay = backoff(this.#drainFailures, this.#maxBackoffMs);
        this.#retryAt = Date.now() + delay;
        this.#logger.warn(
          { err: error, consecutiveFailures: this.#drainFailures, retryInMs: delay },
          'outbox relay: publishing failed; rows stay in the outbox and are retried',
        );
      },
    );
    void this.#drain.finally(() => {
      this.#drain = undefined;
      if (this.#stopped) return;
      if (this.#wakeAgain) this.#wake();
      else this.#scheduleDrain(this.#drainFailures > 0 ? this.#retryAt - Date.now() : this.#pollIntervalMs);
    });
  }

  async #drainUntilEmpty(): Promise<number> {
    let published = 0;
    while (!this.#stopped) {
      const count = await publishOutboxBatch({
        pool: this.pool,
        queues: this.#options.queues,
        routes: this.#routes,
        batchSize: this.#batchSize,
        publishTimeoutMs: this.#options.publishTimeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS,
      });
      published += count;
      this.published += count;
      if (count < this.#batchSize) break;
    }
    return published;
  }

  #scheduleDrain(delayMs: number): void {
    clearTimeout(this.#drainTimer);
    this.#drainTimer = setTimeout(() => this.#wake(), Math.max(0, delayMs));
  }

  // ---- LISTEN ----

  #connectListener(): Promise<void> {
    const connecting = this.#openListener().finally(() => {
      this.#connecting = undefined;
    });
    this.#connecting = connecting.catch(() => undefined);
    return connecting;
  }

  async #openListener(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.#options.databaseUrl,
      application_name: `${this.#applicationName}:listen`,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
    });
    client.on('error', (error) => this.#listenerLost(client, error));
    client.on('end', () => this.#listenerLost(client, new Error('connection ended')));
    client.on('notification', (message) => {
      if (message.channel === OUTBOX_CHANNEL) this.#wake();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (error) {
      await closeClient(client);
      throw error;
    }
    if (this.#stopped) {
      await closeClient(client);
      return;
    }
    this.#listener = client;
    this.#listenerFailures = 0;
    const interval = this.#options.listenerCheckIntervalMs ?? 30_000;
    clearInterval(this.#checkTimer);
    this.#checkTimer = setInterval(() => this.#checkListener(client), interval);
  }

  #checkListener(client: pg.Client): void {
    if (this.#checking || client !== this.#listener) return;
    this.#checking = withTimeout(
      client.query('SELECT 1'),
      LISTENER_CHECK_TIMEOUT_MS,
      'LISTEN connection check',
    )
      .then(
        () => undefined,
        (error: unknown) => this.#listenerLost(client, error),
      )
      .finally(() => {
        this.#checking = undefined;
      });
  }

  /** The LISTEN connection failed: drop it, and reconnect with backoff (polling goes on). */
  #listenerLost(client: pg.Client, error: unknown): void {
    if (client !== this.#listener) return; // an old connection, or one never established
    this.#listener = undefined;
    clearInterval(this.#checkTimer);
    void closeClient(client);
    if (this.#stopped) return;
    this.#logger.warn({ err: error }, 'outbox relay: LISTEN connection lost; polling until it is back');
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    this.#listenerFailures += 1;
    const delay = backoff(this.#listenerFailures, this.#maxBackoffMs);
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = setTimeout(() => {
      if (this.#stopped) return;
      this.#connectListener().then(
        () => {
          if (this.#stopped) return;
          this.#logger.info({}, 'outbox relay: LISTEN connection re-established');
          this.#wake(); // notifications sent while it was down are lost
        },
        (reconnectError: unknown) => {
          if (this.#stopped) return;
          this.#logger.warn(
            { err: reconnectError, consecutiveFailures: this.#listenerFailures },
            'outbox relay: LISTEN reconnect failed',
          );
          this.#scheduleReconnect();
        },
      );
    }, delay);
  }

  // ---- pruning ----

  #schedulePrune(delayMs: number): void {
    clearTimeout(this.#pruneTimer);
    this.#pruneTimer = setTimeout(() => {
      this.#pruning = this.#prune().finally(() => {
        this.#pruning = undefined;
        if (!this.#stopped) this.#schedulePrune(this.#pruneIntervalMs);
      });
    }, delayMs);
  }

  async #prune(): Promise<void> {
    const started = Date.now();
    try {
      const deleted = await pruneOutbox({
        pool: this.pool,
        retentionMs: this.#options.retentionMs ?? DEFAULT_RETENTION_MS,
        ...(this.#options.pruneChunkSize === undefined ? {} : { chunkSize: this.#options.pruneChunkSize }),
        shouldStop: () => this.#stopped,
      });
      if (deleted > 0) {
        this.#logger.info(
          { deleted, durationMs: Date.now() - started },
          'outbox relay: pruned published rows',
        );
      }
    } catch (error) {
      this.#logger.warn({ err: error }, 'outbox relay: pruning failed; retried at the next interval');
    }
    this.#reportUnrouted();
  }

  /** Unpublished rows no route takes never leave the outbox: say so, at start and every prune. */
  #reportUnrouted(): void {
    if (this.#stopped || this.#reporting) return;
    this.#reporting = findUnroutedEvents(this.pool, Object.keys(this.#routes))
      .then(
        (unrouted) => {
          for (const [eventType, count] of unrouted) {
            this.#logger.error(
              { eventType, count },
              'outbox relay: unpublished outbox rows of an event type no route publishes; they stay in the outbox',
            );
          }
        },
        (error: unknown) =>
          this.#logger.warn({ err: error }, 'outbox relay: checking for unrouted rows failed'),
      )
      .finally(() => {
        this.#reporting = undefined;
      });
  }
}

/** Exponential backoff with jitter: 250 ms, 500 ms, 1 s … up to `maxMs`, each scaled by 0.5–1. */
function backoff(failures: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, BASE_BACKOFF_MS * 2 ** Math.min(failures - 1, 20));
  return Math.round(ceiling * (0.5 + Math.random() / 2));
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`outbox relay: ${name} must be positive`);
  return value;
}

/** Ends a client without ever hanging or throwing (a dead socket is destroyed). */
async function closeClient(client: pg.Client): Promise<void> {
  await withTimeout(client.end(), CLOSE_TIMEOUT_MS, 'closing a connection').catch(() => undefined);
}
