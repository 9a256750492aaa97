import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { NOTIFICATION_RECONCILE_QUEUE } from '@vexora-checkout/contracts';
import { Queue } from 'bullmq';
import type { Express, RequestHandler } from 'express';
import { Redis } from 'ioredis';
import { html, sendPage, setPageHeaders } from './render-page.js';

/**
 * The worker's queues, by the names it declares (apps/worker: outbox/outbox-routes.ts,
 * sweeps/sweep-queue.ts; contracts: notification-queue.ts). Apps do not import one another, so
 * the two worker names are repeated here.
 */
export const WORKER_QUEUE_NAMES = ['checkout-submit', NOTIFICATION_RECONCILE_QUEUE, 'sweeps'] as const;

/**
 * Bull Board's React UI sets inline styles and a <style> element, and sets <base href>: its pages
 * need `style-src 'unsafe-inline'` and `base-uri 'self'`. Scripts stay same-origin only; its web
 * fonts (Google) are not allowed, so it falls back to system fonts.
 */
export const BULL_BOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
].join('; ');

const REDIS_WAIT_MS = 2_000;

/** Whether Redis answers a PING within `ms`. */
async function answersWithin(redis: Redis, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      redis.ping().then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), ms);
      }),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export interface BullBoardMount {
  handler: RequestHandler;
  close(): Promise<void>;
}

/**
 * Bull Board at `basePath`, read-only (no retry, promote, clean or delete: the worker's sweeps own
 * recovery, and a write through a second UI would bypass the dashboard's CSRF tokens). Its Redis
 * connection and queues are made on first use, so an api whose operators never open the page
 * never connects; a Redis outage shows as an error in this page only (the api's create path has
 * no Redis in it).
 */
export function mountBullBoard(options: {
  redisUrl: string;
  prefix: string;
  basePath: string;
  queueNames?: readonly string[];
}): BullBoardMount {
  let state: { redis: Redis; queues: Queue[]; router: RequestHandler } | undefined;

  const start = () => {
    const redis = new Redis(options.redisUrl, {
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      retryStrategy: (times) => Math.min(times * 500, 5_000),
    });
    redis.on('error', () => undefined); // each failing request reports it; no log storm
    const queues = (options.queueNames ?? WORKER_QUEUE_NAMES).map((name) => {
      const queue = new Queue(name, { connection: redis, prefix: options.prefix });
      queue.on('error', () => undefined);
      return queue;
    });
    const serverAdapter = new ExpressAdapter();
    serverAdapter.setBasePath(options.basePath);
    createBullBoard({
      queues: queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: true })),
      serverAdapter,
      options: {
        uiConfig: {
          boardTitle: 'vexora-checkout queues',
          hideDocsLink: true,
          miscLinks: [{ text: 'Back to the dashboard', url: '/dashboard' }],
        },
      },
    });
    // getRouter() is an Express app of Bull Board's own: it must not announce itself either.
    const app = serverAdapter.getRouter() as Express;
    app.disable('x-powered-by');
    return { redis, queues, router: app };
  };

  return {
    handler: async (request, response, next) => {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.status(405).set('allow', 'GET, HEAD').json({ error: 'Bull Board is read-only here.' });
        return;
      }
      state ??= start();
      setPageHeaders(response, BULL_BOARD_CSP);
      // BullMQ waits for a connection without limit: ask Redis first, and answer 503 quickly.
      if (state.redis.status !== 'ready' && !(await answersWithin(state.redis, REDIS_WAIT_MS))) {
        const text = 'Redis does not answer: the queues cannot be shown. Everything else works without it.';
        response.set('retry-after', '5');
        if (request.path.startsWith('/api/')) response.status(503).json({ error: text });
        else
          sendPage(response, 503, {
            title: 'Queues unavailable',
            body: html`<p class="notice notice-error">${text}</p>`,
          });
        return;
      }
      state.router(request, response, next);
    },
    close: async () => {
      if (!state) return;
      const { redis, queues } = state;
      state = undefined;
      if (redis.status === 'ready') await Promise.allSettled(queues.map((queue) => queue.close()));
      redis.disconnect();
    },
  };
}
