import type { Logger } from '@vexora-checkout/runtime';
import type { RequestHandler } from 'express';
import type { WebhookMetrics } from '../create-metrics.js';
import { sendProblem } from '../send-problem.js';
import { normalizeIp } from '../source-ip/normalize-ip.js';
import { computeDedupeKey } from './compute-dedupe-key.js';
import type { ReconcileEnqueuer } from './create-reconcile-enqueuer.js';
import { parseNotificationClaim } from './parse-notification-claim.js';
import { selectEvidenceHeaders } from './select-evidence-headers.js';
import type { NotificationWriter } from './create-notification-writer.js';
import type { NotificationRow } from './store-notifications.js';
import type { NotificationVerifier } from './verify-notification-signature.js';

export interface NotifyHandlerDeps {
  writer: NotificationWriter;
  verify: NotificationVerifier;
  enqueuer: ReconcileEnqueuer;
  metrics: WebhookMetrics;
  logger: Logger;
  storeTimeoutMs: number;
}

/** Vexora stops retrying at exactly this answer: HTTP 200, body `OK`. */
export const ACK_BODY = 'OK';

class StoreTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`storing the notification took more than ${timeoutMs} ms`);
    this.name = 'StoreTimeoutError';
  }
}

/**
 * POST notifyUrl. The order is the point: parse and verify (pure), INSERT and commit, answer,
 * and only then hand the row to the reconcile queue. Every delivery that reaches here is stored,
 * forged and malformed ones included (they are evidence); none is trusted here. The answers:
 * - 200 `OK`: stored (signature valid or absent; an unsigned claim is confirmed later through
 *   the Query API);
 * - 401: stored, but its sign matches no configured account (never reconciled as truth);
 * - 400: stored, but not a notification (unparseable or no tradeNo);
 * - 503: not stored (database unreachable, failed or too slow); Vexora retries.
 */
export function createNotifyHandler(deps: NotifyHandlerDeps): RequestHandler {
  return async (request, response) => {
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const contentType = request.headers['content-type'] ?? '';
    const parsed = parseNotificationClaim(raw, contentType);
    const check = deps.verify(parsed.wireFields);
    // PostgreSQL text cannot hold NUL; the sign was checked on the bytes as received.
    const rawBody = raw.toString('utf8').replaceAll('\u0000', '\uFFFD');
    const row: NotificationRow = {
      rawBody,
      contentType: contentType === '' ? null : contentType.slice(0, 128),
      headers: selectEvidenceHeaders(request.headers),
      sourceIp: request.ip === undefined ? null : normalizeIp(request.ip).address.slice(0, 64),
      ...parsed.claim,
      signature: check.signature,
      accountIds: check.accountIds,
      dedupeKey: computeDedupeKey(parsed.ok ? parsed.claim : undefined, rawBody),
    };

    const stopTimer = deps.metrics.storeDuration.startTimer();
    const giveUp = new AbortController();
    const timer = setTimeout(
      () => giveUp.abort(new StoreTimeoutError(deps.storeTimeoutMs)),
      deps.storeTimeoutMs,
    );
    let id: string;
    try {
      id = await Promise.race([
        deps.writer.store(row, giveUp.signal),
        new Promise<never>((_resolve, reject) => {
          giveUp.signal.addEventListener('abort', () => reject(giveUp.signal.reason as Error), {
            once: true,
          });
        }),
      ]);
      stopTimer({ result: 'ok' });
    } catch (error) {
      stopTimer({ result: error instanceof StoreTimeoutError ? 'timeout' : 'error' });
      deps.metrics.deliveries.inc({ signature: row.signature, status: '503' });
      deps.logger.error(
        { err: error, tradeNo: row.tradeNo, status: row.status, signature: row.signature },
        'could not store a notification; answering 503 so that Vexora retries',
      );
      sendProblem(response, 'service_unavailable', 'The notification could not be stored; retry later.');
      return;
    } finally {
      clearTimeout(timer);
    }

    // For the request's log line (pino-http): what was stored, never the body or its sign.
    response.locals.notification = {
      id,
      tradeNo: row.tradeNo,
      status: row.status,
      signature: row.signature,
      accountId: row.accountIds.length === 1 ? row.accountIds[0] : undefined,
    };
    if (!parsed.ok) {
      deps.metrics.deliveries.inc({ signature: row.signature, status: '400' });
      sendProblem(
        response,
        'not_a_notification',
        `Stored as ${id}, but not a notification: ${parsed.reason}.`,
      );
    } else if (row.signature === 'invalid') {
      deps.metrics.deliveries.inc({ signature: row.signature, status: '401' });
      sendProblem(response, 'invalid_signature', `Stored as ${id}; its sign matches no merchant account.`);
    } else {
      deps.metrics.deliveries.inc({ signature: row.signature, status: '200' });
      response.status(200).type('text/plain').send(ACK_BODY);
    }
    // After the answer: a slow or absent Redis can neither delay nor fail it.
    deps.enqueuer.enqueue(id);
  };
}
