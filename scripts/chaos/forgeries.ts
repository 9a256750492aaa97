// Notifications no gateway sent, posted to the receivers during the run: a bad sign on a real
// tradeNo, a correctly signed claim for a tradeNo nobody issued, and a correctly signed payment of
// the wrong amount on a real tradeNo. Each carries a marker in its remark so the verdict finds it.
import { DEFAULT_SANDBOX_ACCOUNTS } from '@vexora-checkout/contracts';
import { signFields } from '@vexora-checkout/signing';
import type pg from 'pg';
import type { Forgery } from './check-invariants.js';

async function deliver(url: string, fields: Record<string, string>): Promise<void> {
  // The answer does not matter here (a 401 for a bad sign is right); what was stored does.
  await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fields),
    signal: AbortSignal.timeout(10_000),
  }).catch(() => undefined);
}

export async function sendForgeries(pool: pg.Pool, notifyUrl: string, runId: string): Promise<Forgery[]> {
  const account = DEFAULT_SANDBOX_ACCOUNTS[0]!;
  const { rows } = await pool.query<{ trade_no: string; amount: string }>(
    `SELECT trade_no, amount::text FROM checkout_intent WHERE merchant_no = $1 ORDER BY created_at LIMIT 2`,
    [account.merchantNo],
  );
  const forgeries: Forgery[] = [];
  const claim = (tradeNo: string, amount: string, marker: string) => ({
    platFormTradeNo: `forged-${marker}`,
    tradeNo,
    amount,
    status: '0000',
    message: 'Success',
    remark: marker,
    timestamp: String(Date.now()),
  });
  const [first, second] = rows;
  if (first) {
    const marker = `chaos-forged-sign-${runId}`;
    await deliver(notifyUrl, { ...claim(first.trade_no, first.amount, marker), sign: '0'.repeat(32) });
    forgeries.push({ marker, what: `a bad sign claiming ${first.trade_no} paid` });
  }
  const unknownMarker = `chaos-forged-unknown-${runId}`;
  await deliver(
    notifyUrl,
    signFields(claim(`CHAOS${runId}UNKNOWN`, '10.00', unknownMarker), account.appSecret),
  );
  forgeries.push({ marker: unknownMarker, what: 'a signed payment of a tradeNo nobody issued' });
  if (second) {
    const marker = `chaos-forged-amount-${runId}`;
    const wrong = (Number.parseInt(second.amount, 10) + 1).toString() + '.00';
    await deliver(notifyUrl, signFields(claim(second.trade_no, wrong, marker), account.appSecret));
    forgeries.push({
      marker,
      what: `a signed payment of ${second.trade_no} for ${wrong} instead of ${second.amount}`,
    });
  }
  return forgeries;
}
