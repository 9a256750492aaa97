import { createRequire } from 'node:module';
import path from 'node:path';
import type { PrismaClient } from '@vexora-checkout/db';
import type { Logger } from '@vexora-checkout/runtime';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import {
  readOpenExceptions,
  readOverview,
  readRecentlyResolved,
  readStuckIntents,
} from './dashboard-queries.js';
import type { DashboardOperator, DashboardSettings } from './dashboard-settings.js';
import { readIntentTimeline, searchIntents } from './intent-timeline.js';
import { createLoginThrottle, type LoginThrottle } from './login-throttle.js';
import { mountBullBoard } from './mount-bull-board.js';
import { FAVICON, PAGE_SCRIPT, PAGE_STYLE } from './page-assets.js';
import {
  hashOperatorPassword,
  parseOperatorPasswordHash,
  verifyOperatorPassword,
} from './operator-password.js';
import { renderExceptions, type ExceptionsNotice } from './pages/exceptions-page.js';
import { renderIntent, renderSearch } from './pages/intent-page.js';
import { DISABLED_PAGE, renderLogin } from './pages/login-page.js';
import { OVERVIEW_HOURS, renderOverview } from './pages/overview-page.js';
import { renderStuck } from './pages/stuck-page.js';
import { html, sendPage, setPageHeaders } from './render-page.js';
import { resolveException, resolveFormSchema } from './resolve-exception.js';
import { createSessionCookies, safeEqual, type OperatorSession } from './session-cookies.js';

export interface DashboardOptions {
  prisma: PrismaClient;
  logger: Logger;
  /** With at least one operator and a session secret (env.ts guarantees both together). */
  settings: DashboardSettings;
  redisUrl: string;
  /** Queues shown by Bull Board; the worker's by default. */
  queueNames?: readonly string[];
  loginThrottle?: LoginThrottle;
}

export interface Dashboard {
  /** Mount at `/dashboard`. */
  router: Router;
  /** Closes Bull Board's Redis connection, if it was opened. */
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);
const CHART_JS = path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js');

declare module 'express-serve-static-core' {
  interface Locals {
    session?: OperatorSession;
  }
}

const MAX_BIGINT = 9_223_372_036_854_775_807n;

const loginFormSchema = z.object({
  name: z.string().max(64).default(''),
  password: z.string().max(1_024).default(''),
  _csrf: z.string().max(200).default(''),
  next: z.string().max(2_000).default('/dashboard'),
});

/** Only a path of this dashboard: never another origin (`//host`), never a scheme. */
export function safeNextPath(next: unknown): string {
  return typeof next === 'string' && /^\/dashboard(?:[/?][^\\\s]*)?$/.test(next) && !next.startsWith('//')
    ? next
    : '/dashboard';
}

/** The answer when no operator is configured: 404, with a page saying how to enable it. */
export function createDisabledDashboardRouter(): Router {
  const router = Router();
  router.use((_request, response) => {
    sendPage(response, 404, { title: 'Dashboard not enabled', body: DISABLED_PAGE });
  });
  return router;
}

/**
 * The operator dashboard: sign-in, overview, exceptions (with the audited resolve form), stuck
 * intents, an intent's timeline, search, and Bull Board, every page but sign-in behind a session.
 */
export function createDashboard(options: DashboardOptions): Dashboard {
  const { prisma, logger, settings } = options;
  if (settings.operators.length === 0 || !settings.sessionSecret) {
    throw new Error('createDashboard needs operators and a session secret');
  }
  const cookies = createSessionCookies({
    secret: settings.sessionSecret,
    sessionTtlMs: settings.sessionTtlMs,
    cookieSecure: settings.cookieSecure,
  });
  const throttle = options.loginThrottle ?? createLoginThrottle();
  const bullBoard = mountBullBoard({
    redisUrl: options.redisUrl,
    prefix: settings.bullmqPrefix,
    basePath: '/dashboard/queues',
    ...(options.queueNames ? { queueNames: options.queueNames } : {}),
  });
  // An unknown name is checked against this, so it takes as long as a known one.
  const dummyHash = hashOperatorPassword('not a password').then((text) => parseOperatorPasswordHash(text)!);
  dummyHash.catch(() => undefined);

  const findOperator = (name: string): DashboardOperator | undefined => {
    let found: DashboardOperator | undefined;
    for (const operator of settings.operators) {
      if (safeEqual(operator.name, name)) found = operator;
    }
    return found;
  };

  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 });
  const address = (request: Request) => request.ip ?? request.socket.remoteAddress ?? 'unknown';

  // Public: the assets the sign-in page needs, and Chart.js (a public library).
  const asset = (file: string, type: string, cacheControl: string, body: string | (() => string)) => {
    router.get(`/static/${file}`, (_request, response) => {
      response.set({ 'cache-control': cacheControl, 'x-content-type-options': 'nosniff' }).type(type);
      if (typeof body === 'string') response.send(body);
      else response.sendFile(body());
    });
  };
  asset('chart.umd.min.js', 'application/javascript', 'public, max-age=3600', () => CHART_JS);
  asset('dashboard.js', 'application/javascript', 'no-cache', PAGE_SCRIPT);
  asset('dashboard.css', 'text/css', 'no-cache', PAGE_STYLE);
  asset('favicon.svg', 'image/svg+xml', 'public, max-age=3600', FAVICON);

  const showLogin = (
    request: Request,
    response: Response,
    status: number,
    input: { next: string; error?: string; name?: string },
  ) => {
    const challenge = cookies.startLoginChallenge(request, response);
    sendPage(response, status, {
      title: 'Sign in',
      body: renderLogin({ csrf: challenge.csrf, ...input }),
    });
  };

  router.get('/login', (request, response) => {
    showLogin(request, response, 200, { next: safeNextPath(request.query.next) });
  });

  router.post('/login', form, async (request, response) => {
    const body = loginFormSchema.safeParse(request.body ?? {});
    const input = body.success ? body.data : { name: '', password: '', _csrf: '', next: '/dashboard' };
    const next = safeNextPath(input.next);
    const challenge = cookies.readLoginChallenge(request);
    if (!challenge || !safeEqual(challenge.csrf, input._csrf)) {
      logger.warn({ ip: address(request) }, 'dashboard sign-in refused: missing or stale form token');
      showLogin(request, response, 403, { next, error: 'The sign-in form expired. Please try again.' });
      return;
    }
    // Counted before the (slow) hash, so parallel tries cannot all pass the check at once.
    const waitMs = throttle.beginAttempt(input.name, address(request));
    if (waitMs > 0) {
      logger.warn({ operator: input.name, ip: address(request) }, 'dashboard sign-in throttled');
      response.set('retry-after', String(Math.ceil(waitMs / 1000)));
      showLogin(request, response, 429, {
        next,
        name: input.name,
        error: `Too many failed sign-ins. Try again in ${Math.ceil(waitMs / 60_000)} min.`,
      });
      return;
    }
    const operator = findOperator(input.name);
    const matches = await verifyOperatorPassword(input.password, operator?.password ?? (await dummyHash));
    if (!operator || !matches) {
      logger.warn(
        { operator: input.name, ip: address(request) },
        'dashboard sign-in refused: wrong name or password',
      );
      showLogin(request, response, 401, { next, name: input.name, error: 'Wrong name or password.' });
      return;
    }
    throttle.recordSuccess(input.name, address(request));
    cookies.startSession(request, response, operator.name, cookies.credentialDigest(operator.passwordText));
    logger.info({ operator: operator.name, ip: address(request) }, 'dashboard sign-in');
    response.redirect(303, next);
  });

  // Everything below needs a live session of an operator still configured with the same password.
  router.use((request, response, next) => {
    const session = cookies.readSession(request);
    const operator = session ? findOperator(session.operator) : undefined;
    if (
      session &&
      operator &&
      safeEqual(session.credential, cookies.credentialDigest(operator.passwordText))
    ) {
      response.locals.session = session;
      next();
      return;
    }
    if (request.method === 'GET' || request.method === 'HEAD') {
      if (request.path.startsWith('/queues/api/')) {
        response.status(401).json({ error: 'Sign in at /dashboard/login.' });
        return;
      }
      setPageHeaders(response);
      // No body: not even the URL asked for is echoed to someone not signed in.
      response
        .status(303)
        .location(`/dashboard/login?next=${encodeURIComponent(request.originalUrl)}`)
        .end();
      return;
    }
    sendPage(response, 401, {
      title: 'Signed out',
      body: html`<p class="notice notice-error">
        Your session ended. <a href="/dashboard/login">Sign in</a> again.
      </p>`,
    });
  });

  const sessionOf = (response: Response): OperatorSession => response.locals.session!;
  const page = (response: Response) => {
    const session = sessionOf(response);
    return { operator: { name: session.operator, csrf: session.csrf } };
  };

  // Every POST from here on carries the session's CSRF token in the form.
  const checkCsrf = (request: Request, response: Response, next: NextFunction) => {
    const token = (request.body as { _csrf?: unknown } | undefined)?._csrf;
    if (typeof token === 'string' && safeEqual(token, sessionOf(response).csrf)) {
      next();
      return;
    }
    logger.warn(
      { operator: sessionOf(response).operator, path: request.path },
      'dashboard form refused: bad CSRF token',
    );
    sendPage(response, 403, {
      ...page(response),
      title: 'Form expired',
      body: html`<p class="notice notice-error">
        This form expired or did not come from this dashboard. Reload the page and try again.
      </p>`,
    });
  };

  router.post('/logout', form, checkCsrf, (request, response) => {
    cookies.endSession(response);
    logger.info({ operator: sessionOf(response).operator, ip: address(request) }, 'dashboard sign-out');
    response.redirect(303, '/dashboard/login');
  });

  router.get('/', async (request, response) => {
    const asked = Number(request.query.hours ?? 1);
    const hours = (OVERVIEW_HOURS as readonly number[]).includes(asked) ? asked : 1;
    const overview = await readOverview(prisma, hours);
    sendPage(response, 200, {
      ...page(response),
      title: 'Overview',
      active: 'overview',
      charts: true,
      body: renderOverview(overview, hours),
    });
  });

  const showExceptions = async (response: Response, status: number, notice?: ExceptionsNotice) => {
    const [open, resolved] = await Promise.all([readOpenExceptions(prisma), readRecentlyResolved(prisma)]);
    sendPage(response, status, {
      ...page(response),
      title: 'Exceptions',
      active: 'exceptions',
      body: renderExceptions({
        open,
        resolved,
        csrf: sessionOf(response).csrf,
        ...(notice ? { notice } : {}),
      }),
    });
  };

  router.get('/exceptions', async (request, response) => {
    const resolved = typeof request.query.resolved === 'string' ? request.query.resolved : undefined;
    await showExceptions(
      response,
      200,
      resolved && /^\d{1,19}$/.test(resolved)
        ? { kind: 'ok', text: `Exception #${resolved} resolved and recorded in the audit log.` }
        : undefined,
    );
  });

  router.post('/exceptions/:id/resolve', form, checkCsrf, async (request, response) => {
    const id = String(request.params.id);
    if (!/^[1-9]\d{0,18}$/.test(id)) {
      await showExceptions(response, 404, { kind: 'error', text: 'No such exception.' });
      return;
    }
    if (BigInt(id) > MAX_BIGINT) {
      // Beyond PostgreSQL's bigint, so no row has it (and the cast would fail).
      await showExceptions(response, 404, { kind: 'error', text: `No exception #${id}.` });
      return;
    }
    const parsed = resolveFormSchema.safeParse(request.body);
    if (!parsed.success) {
      const problems = parsed.error.issues
        .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
        .join('; ');
      await showExceptions(response, 400, {
        kind: 'error',
        text: `Exception #${id} not resolved: ${problems}.`,
      });
      return;
    }
    const operator = sessionOf(response).operator;
    const outcome = await resolveException(prisma, {
      exceptionId: id,
      resolution: parsed.data.resolution,
      note: parsed.data.note,
      operator,
      sourceIp: address(request),
    });
    switch (outcome.status) {
      case 'resolved':
        logger.info({ operator, exceptionId: id, resolution: parsed.data.resolution }, 'exception resolved');
        response.redirect(303, `/dashboard/exceptions?resolved=${id}`);
        return;
      case 'not_found':
        await showExceptions(response, 404, { kind: 'error', text: `No exception #${id}.` });
        return;
      case 'already_resolved':
        await showExceptions(response, 409, {
          kind: 'error',
          text: `Exception #${id} was already resolved (${outcome.resolution ?? '?'}) by ${outcome.resolvedBy ?? '?'} at ${outcome.resolvedAt?.toISOString() ?? '?'}; nothing was changed.`,
        });
        return;
    }
  });

  router.get('/stuck', async (_request, response) => {
    const stuck = await readStuckIntents(prisma);
    sendPage(response, 200, {
      ...page(response),
      title: 'Stuck intents',
      active: 'stuck',
      body: renderStuck(stuck),
    });
  });

  router.get('/intents/:id', async (request, response) => {
    const data = await readIntentTimeline(prisma, String(request.params.id));
    if (!data) {
      sendPage(response, 404, {
        ...page(response),
        title: 'Intent not found',
        body: html`<p class="empty">No intent with id “${String(request.params.id)}”.</p>`,
      });
      return;
    }
    sendPage(response, 200, {
      ...page(response),
      title: `Intent ${data.intent.id}`,
      body: renderIntent(data),
    });
  });

  router.get('/search', async (request, response) => {
    const query = typeof request.query.q === 'string' ? request.query.q.trim().slice(0, 200) : '';
    const hits = query === '' || query.includes('\u0000') ? [] : await searchIntents(prisma, query);
    if (hits.length === 1) {
      response.redirect(303, `/dashboard/intents/${hits[0]!.id}`);
      return;
    }
    sendPage(response, 200, {
      ...page(response),
      title: 'Search',
      active: 'search',
      body: renderSearch(query, hits),
    });
  });

  router.use('/queues', bullBoard.handler);

  router.use((_request, response) => {
    sendPage(response, 404, {
      ...page(response),
      title: 'Not found',
      body: html`<p class="empty">No such page.</p>`,
    });
  });

  router.use((error: unknown, request: Request, response: Response, next: NextFunction) => {
    if (response.headersSent) {
      next(error);
      return;
    }
    const session = response.locals.session;
    // A request the form parser could not read (too large, too many fields, bad encoding): the
    // client's fault, answered with its status. Nothing of the body is logged.
    const status = (error as { status?: unknown } | undefined)?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const type = (error as { type?: unknown }).type;
      logger.warn(
        { status, type: typeof type === 'string' ? type : undefined, path: request.path },
        'dashboard request refused',
      );
      sendPage(response, status, {
        ...(session ? page(response) : {}),
        title: 'Request refused',
        body: html`<p class="notice notice-error">This request could not be read (${status}).</p>`,
      });
      return;
    }
    logger.error({ err: error, path: request.path }, 'dashboard page failed');
    sendPage(response, 500, {
      ...(session ? page(response) : {}),
      title: 'Error',
      body: html`<p class="notice notice-error">
        This page failed (the error is in the api's log). Try again in a moment.
      </p>`,
    });
  });

  return { router, close: () => bullBoard.close() };
}
