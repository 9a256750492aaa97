import type { BlockList } from 'node:net';
import type { Logger } from '@vexora-checkout/runtime';
import type { RequestHandler } from 'express';
import { sendProblem } from '../send-problem.js';
import { normalizeIp } from './normalize-ip.js';

/**
 * Refuses (403) deliveries whose source address is not allowed, before the body is read. The
 * source is Express's `request.ip`: the peer, or the client named by X-Forwarded-For when the
 * peer is a trusted proxy (WEBHOOK_TRUST_PROXY). Refused deliveries are not stored (anyone could
 * fill the table otherwise); they are counted and logged, without their body.
 */
export function requireAllowedSource(
  allowed: BlockList,
  deps: { logger: Logger; onRejected: () => void },
): RequestHandler {
  return (request, response, next) => {
    const ip = request.ip;
    const source = ip === undefined ? undefined : normalizeIp(ip);
    if (source && allowed.check(source.address, source.family)) {
      next();
      return;
    }
    deps.onRejected();
    deps.logger.warn(
      { sourceIp: source?.address ?? null, peer: request.socket.remoteAddress ?? null },
      'notification refused: source address not in WEBHOOK_ALLOWED_IPS',
    );
    sendProblem(response, 'forbidden_source', 'This source address may not post notifications.');
  };
}
