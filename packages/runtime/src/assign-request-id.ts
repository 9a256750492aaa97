import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

// A caller's id is kept only when it is short and plain, so it cannot smuggle text into logs.
const CALLER_REQUEST_ID = /^[\w.-]{1,128}$/;

/**
 * pino-http's `genReqId` for every service: the caller's `X-Request-Id` when it is usable, a
 * fresh UUID otherwise, echoed back in the response's `X-Request-Id`.
 */
export function assignRequestId(request: IncomingMessage, response: ServerResponse): string {
  const given = request.headers['x-request-id'];
  const id = typeof given === 'string' && CALLER_REQUEST_ID.test(given) ? given : randomUUID();
  response.setHeader('X-Request-Id', id);
  return id;
}
