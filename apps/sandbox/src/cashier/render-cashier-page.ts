import type { OrderDescription } from '../gateway/describe-order.js';
import { escapeHtml } from '@vexora-checkout/runtime';

export interface CashierView {
  order: OrderDescription;
  /** Inline SVG of the KHQR (trusted markup from the QR renderer); shown only while unpaid. */
  qrSvg?: string;
  /** Where the page's forms post. */
  action: string;
  /** A problem with the last submission, shown above the buttons. */
  error?: string;
}

const STATUS_TEXT: Record<string, string> = {
  '0015': 'Waiting for payment',
  '0000': 'Paid',
  '0001': 'Partially paid',
  '00029': 'Payment failed',
};

/**
 * The hosted cashier page: what the payer sees at `paymentLink`. Self-contained (no external
 * asset, no script). Every interpolated value goes through escapeHtml; the page is also served
 * with a Content-Security-Policy that forbids scripts, as a second line of defence.
 */
export function renderCashierPage(view: CashierView): string {
  const { order } = view;
  const e = escapeHtml;
  const processing = order.status === '0015';
  const step = order.currency === 'KHR' ? '1' : '0.01';
  const rows: [string, string][] = [
    ['Merchant', order.merchantNo],
    ['Amount', `${order.amount} ${order.currency}`],
    ['Trade no.', order.tradeNo],
    ['Platform trade no.', order.platFormTradeNo],
    ['Status', `${STATUS_TEXT[order.status] ?? order.status} (${order.status})`],
  ];
  if (order.paidAmount !== null) rows.push(['Paid', `${order.paidAmount} ${order.currency}`]);

  const actions = processing
    ? `<form method="post" action="${e(view.action)}">
        <button type="submit" name="action" value="full">Pay in full: ${e(order.amount)} ${e(order.currency)}</button>
      </form>
      <form method="post" action="${e(view.action)}" class="partial">
        <label>Amount <input name="amount" inputmode="decimal" required step="${step}" type="number" min="${step}"></label>
        <button type="submit" name="action" value="partial">Pay partially</button>
      </form>
      <form method="post" action="${e(view.action)}">
        <button type="submit" name="action" value="fail" class="fail">Fail the payment</button>
      </form>`
    : `<p class="done">This order is settled. <a href="${e(order.returnUrl)}">Return to the merchant</a></p>`;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Vexora sandbox cashier: ${e(order.tradeNo)}</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1d2330; }
  main { max-width: 28rem; margin: 2rem auto; background: #fff; border-radius: 12px; padding: 1.5rem; box-shadow: 0 2px 8px rgba(0,0,0,.08); }
  h1 { font-size: 1.2rem; margin: 0 0 .25rem; }
  .banner { font-size: .8rem; color: #8a4b00; background: #fff4e0; padding: .4rem .6rem; border-radius: 6px; }
  dl { display: grid; grid-template-columns: auto 1fr; gap: .3rem .8rem; }
  dt { color: #5d6575; } dd { margin: 0; word-break: break-all; }
  .qr svg { width: 100%; max-width: 16rem; display: block; margin: 0 auto; }
  form { margin: .6rem 0; } .partial { display: flex; gap: .5rem; align-items: end; }
  button { font-size: 1rem; padding: .5rem .9rem; border-radius: 6px; border: 1px solid #2f5bea; background: #2f5bea; color: #fff; cursor: pointer; }
  button.fail { background: #fff; color: #b42318; border-color: #b42318; }
  .error { color: #b42318; } details { font-size: .8rem; word-break: break-all; }
</style>
</head>
<body>
<main>
  <h1>Vexora sandbox cashier</h1>
  <p class="banner">Simulated payment: no money moves.</p>
  <dl>
${rows.map(([name, value]) => `    <dt>${e(name)}</dt><dd>${e(value)}</dd>`).join('\n')}
  </dl>
  ${processing && view.qrSvg ? `<div class="qr" role="img" aria-label="KHQR code">${view.qrSvg}</div>` : ''}
  ${order.payInfo ? `<details><summary>KHQR string</summary><code>${e(order.payInfo)}</code></details>` : ''}
  ${view.error ? `<p class="error" role="alert">${e(view.error)}</p>` : ''}
  ${actions}
</main>
</body>
</html>
`;
}
