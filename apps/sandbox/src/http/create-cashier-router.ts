import type { Logger } from '@vexora-checkout/runtime';
import express, { type Request, type Response, type Router } from 'express';
import { escapeHtml } from '@vexora-checkout/runtime';
import { renderCashierPage } from '../cashier/render-cashier-page.js';
import { renderQrSvg } from '../cashier/render-qr-svg.js';
import type { SandboxGateway, SettleRequest } from '../gateway/sandbox-gateway.js';
import type { SandboxOrder } from '../gateway/sandbox-order.js';

/** No script may run on the page, whatever ends up in it; styles are inline, the QR is inline SVG. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/**
 * The hosted cashier at `paymentLink` (`GET /pay?token=…`) and its buttons (`POST /pay?token=…`
 * with `action` = `full`, `partial` (+ `amount`) or `fail`). Paying settles the order and sends
 * its notification; the page then redirects to itself (post/redirect/get).
 */
export function createCashierRouter(gateway: SandboxGateway, logger: Logger): Router {
  const router = express.Router();

  router.get('/pay', async (request, response) => {
    const order = findOrder(gateway, request);
    if (!order) {
      notFound(response);
      return;
    }
    await showPage(response, gateway, order, 200);
  });

  router.post('/pay', express.urlencoded({ extended: false, limit: '8kb' }), async (request, response) => {
    const order = findOrder(gateway, request);
    if (!order) {
      notFound(response);
      return;
    }
    const form = (request.body ?? {}) as Record<string, unknown>;
    const settle = settleRequest(form.action, form.amount);
    if (typeof settle === 'string') {
      await showPage(response, gateway, order, 400, settle);
      return;
    }
    const result = gateway.settle(order, settle, 'cashier');
    if (!result.ok) {
      await showPage(response, gateway, order, order.status === '0015' ? 400 : 409, result.message);
      return;
    }
    logger.info({ tradeNo: order.tradeNo, status: order.status }, 'order settled at the cashier');
    response.redirect(303, pagePath(order));
  });

  return router;
}

function findOrder(gateway: SandboxGateway, request: Request): SandboxOrder | undefined {
  const token = request.query.token;
  return typeof token === 'string' ? gateway.findByToken(token) : undefined;
}

function settleRequest(action: unknown, amount: unknown): SettleRequest | string {
  switch (action) {
    case 'full':
      return { outcome: 'paid' };
    case 'fail':
      return { outcome: 'failed' };
    case 'partial':
      return typeof amount === 'string' && amount.trim() !== ''
        ? { outcome: 'partial', amount: amount.trim() }
        : 'enter the amount paid';
    default:
      return 'choose an action: pay in full, pay partially or fail';
  }
}

const pagePath = (order: SandboxOrder) => `/pay?token=${encodeURIComponent(order.token)}`;

async function showPage(
  response: Response,
  gateway: SandboxGateway,
  order: SandboxOrder,
  status: number,
  error?: string,
): Promise<void> {
  const description = gateway.describe(order);
  // A settled order's code must not invite a payment: it is rendered only while processing.
  const qrSvg =
    description.payInfo === null || order.status !== '0015'
      ? undefined
      : await renderQrSvg(description.payInfo);
  const html = renderCashierPage({ order: description, qrSvg, action: pagePath(order), error });
  response
    .status(status)
    .set({ ...PAGE_HEADERS, 'cache-control': 'no-store' })
    .type('html')
    .send(html);
}

/**
 * Headers of every cashier page: no script, no framing, no type sniffing, and no Referer (the
 * page's URL carries the order's token, which must not leak to a site the payer goes to next).
 */
const PAGE_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

function notFound(response: Response): void {
  response
    .status(404)
    .set(PAGE_HEADERS)
    .type('html')
    .send(`<!doctype html><title>Not found</title><p>${escapeHtml('No order has this payment link.')}</p>`);
}
