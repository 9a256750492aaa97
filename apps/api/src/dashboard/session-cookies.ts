import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { z } from 'zod';

export const SESSION_COOKIE = 'vxd_session';
export const LOGIN_COOKIE = 'vxd_login';
const COOKIE_PATH = '/dashboard';
const LOGIN_TTL_MS = 15 * 60_000;

const sessionSchema = z.strictObject({
  purpose: z.literal('session'),
  operator: z.string(),
  /** A digest of the operator's configured hash: changing the password ends the session. */
  credential: z.string(),
  csrf: z.string(),
  expiresAt: z.number(),
});
const loginSchema = z.strictObject({ purpose: z.literal('login'), csrf: z.string(), expiresAt: z.number() });

export type OperatorSession = z.infer<typeof sessionSchema>;
export type LoginChallenge = z.infer<typeof loginSchema>;

/** Equal strings, compared in constant time (for tokens of any length). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export const newToken = () => randomBytes(24).toString('base64url');

/** The value of one cookie of the request (Express 5 has no cookie parser built in). */
export function readCookie(request: Request, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}

/**
 * Signed cookies: `<base64url JSON>.<base64url HMAC-SHA256>` under DASHBOARD_SESSION_SECRET.
 * The content is readable by whoever holds the cookie (nothing secret is in it), never forgeable.
 */
export function createSessionCookies(options: {
  secret: string;
  sessionTtlMs: number;
  cookieSecure: 'auto' | 'always' | 'never';
  now?: () => number;
}) {
  const now = options.now ?? Date.now;
  const sign = (body: string) => createHmac('sha256', options.secret).update(body).digest('base64url');

  function seal(payload: OperatorSession | LoginChallenge): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${sign(body)}`;
  }

  function open<T extends { expiresAt: number }>(text: string | undefined, schema: z.ZodType<T>) {
    if (!text) return undefined;
    const [body, mac, extra] = text.split('.');
    if (!body || !mac || extra !== undefined || !safeEqual(mac, sign(body))) return undefined;
    try {
      const parsed = schema.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
      return parsed.success && parsed.data.expiresAt > now() ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  function setCookie(request: Request, response: Response, name: string, value: string, maxAgeMs: number) {
    const secure = options.cookieSecure === 'always' || (options.cookieSecure === 'auto' && request.secure);
    response.cookie(name, value, {
      httpOnly: true,
      sameSite: 'strict',
      secure,
      path: COOKIE_PATH,
      maxAge: maxAgeMs,
      encode: (text) => text,
    });
  }

  return {
    /** A digest of an operator's configured hash, kept in the session instead of the hash. */
    credentialDigest: (passwordText: string) => sign(`credential:${passwordText}`).slice(0, 16),
    readSession: (request: Request) => open(readCookie(request, SESSION_COOKIE), sessionSchema),
    startSession(request: Request, response: Response, operator: string, credential: string) {
      const session: OperatorSession = {
        purpose: 'session',
        operator,
        credential,
        csrf: newToken(),
        expiresAt: now() + options.sessionTtlMs,
      };
      setCookie(request, response, SESSION_COOKIE, seal(session), options.sessionTtlMs);
      response.clearCookie(LOGIN_COOKIE, { path: COOKIE_PATH });
      return session;
    },
    endSession(response: Response) {
      response.clearCookie(SESSION_COOKIE, { path: COOKIE_PATH });
    },
    /** The login form's CSRF token, bound to a short-lived cookie (double submit, signed). */
    readLoginChallenge: (request: Request) => open(readCookie(request, LOGIN_COOKIE), loginSchema),
    startLoginChallenge(request: Request, response: Response): LoginChallenge {
      const challenge: LoginChallenge = {
        purpose: 'login',
        csrf: newToken(),
        expiresAt: now() + LOGIN_TTL_MS,
      };
      setCookie(request, response, LOGIN_COOKIE, seal(challenge), LOGIN_TTL_MS);
      return challenge;
    },
  };
}

export type SessionCookies = ReturnType<typeof createSessionCookies>;
