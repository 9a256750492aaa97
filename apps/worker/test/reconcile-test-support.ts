// Helpers of the reconciliation integration tests: intents whose orders exist in the in-process
// sandbox, and notification rows as the webhook stores them.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateTradeNo, type VexoraAccount } from '@vexora-checkout/contracts';
import type { IntentState, PrismaClient } from '@vexora-checkout/db';
import type { GatewayClient } from '@vexora-checkout/gateway-client';

let counter = 0;

export interface OrderIntent {
  id: string;
  tradeNo: string;
  platformTradeNo: string;
  amount: string;
}

/**
 * Inserts an intent (tradeNo from the real generator, so it can be superseded) and creates its
 * order at the gateway, as the submit job would: AWAITING_PAYMENT with the platform number and
 * the payment link. `linkless` stores it as an order adopted through the Query API (no link).
 */
export async function createOrderIntent(
  prisma: PrismaClient,
  gateway: GatewayClient,
  account: VexoraAccount,
  options: {
    amount?: string;
    state?: IntentState;
    linkless?: boolean;
    notifyUrl: string;
    stateChangedAt?: Date;
  },
): Promise<OrderIntent> {
  counter += 1;
  const amount = options.amount ?? '12.50';
  const createdAt = new Date();
  const placeholder = `TMP${process.pid}${Date.now()}${counter}`;
  const row = await prisma.checkoutIntent.create({
    data: {
      clientId: 'reconcile-test',
      accountId: account.id,
      merchantNo: account.merchantNo,
      merchantReference: `ref-${process.pid}-${counter}-${Date.now()}`,
      state: 'SUBMITTING',
      tradeNo: placeholder,
      amount,
      currency: account.currencies[0] ?? 'USD',
      payerFirstName: 'Sok',
      payerLastName: 'Dara',
      payerMobile: '12345678',
      payerEmail: 'sok@example.com',
      createdAt,
    },
  });
  const tradeNo = generateTradeNo({ createdAt, seq: row.seq, generation: 0, prefix: 'RT' });
  const answer = await gateway.checkout({
    tradeNo,
    amount,
    firstname: 'Sok',
    lastname: 'Dara',
    mobile: '12345678',
    email: 'sok@example.com',
    channelCode: 'KHQR',
    wayCode: 'KHQR',
    notifyUrl: options.notifyUrl,
    returnUrl: 'https://shop.example/done',
    remark: tradeNo,
  });
  if (answer.outcome !== 'accepted') throw new Error(`sandbox did not accept ${tradeNo}: ${answer.outcome}`);
  await prisma.checkoutIntent.update({
    where: { id: row.id },
    data: {
      tradeNo,
      state: options.state ?? 'AWAITING_PAYMENT',
      stateChangedAt: options.stateChangedAt ?? new Date(),
      platformTradeNo: answer.platFormTradeNo,
      gatewayStatus: answer.status.code,
      ...(options.linkless
        ? { paymentLink: null, payInfo: null, lastErrorCode: 'PAYMENT_LINK_UNAVAILABLE' }
        : { paymentLink: answer.paymentLink ?? null, payInfo: answer.payInfo ?? null }),
    },
  });
  return { id: row.id, tradeNo, platformTradeNo: answer.platFormTradeNo, amount };
}

export interface NotificationClaim {
  tradeNo: string | null;
  platformTradeNo?: string | null;
  status: string | null;
  amount?: string | null;
  signature?: 'valid' | 'invalid' | 'absent';
  /** The account whose secret verified the sign (valid signatures). */
  accountId?: string | null;
  receivedAt?: Date;
}

/** The webhook's dedupe key: SHA-256 of the claim, whatever else the body carried. */
export function claimDedupeKey(claim: NotificationClaim): string {
  return createHash('sha256')
    .update(
      JSON.stringify([claim.tradeNo, claim.platformTradeNo ?? null, claim.status, claim.amount ?? null]),
    )
    .digest('hex');
}

/** Stores a delivery as the webhook does (unprocessed); returns its id. */
export async function insertNotification(prisma: PrismaClient, claim: NotificationClaim): Promise<bigint> {
  const body = {
    tradeNo: claim.tradeNo,
    platFormTradeNo: claim.platformTradeNo ?? null,
    status: claim.status,
    amount: claim.amount ?? null,
  };
  const row = await prisma.gatewayNotification.create({
    data: {
      rawBody: JSON.stringify(body),
      contentType: 'application/json',
      tradeNo: claim.tradeNo,
      platformTradeNo: claim.platformTradeNo ?? null,
      status: claim.status,
      amount: claim.amount ?? null,
      signature: claim.signature ?? 'absent',
      accountId: claim.signature === 'valid' ? (claim.accountId ?? null) : null,
      dedupeKey: claimDedupeKey(claim),
      ...(claim.receivedAt ? { receivedAt: claim.receivedAt } : {}),
    },
  });
  return row.id;
}

/** A notifyUrl that answers OK to everything, so the sandbox stops retrying its deliveries. */
export async function startNotifySink(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'text/plain' }).end('OK'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/notify`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
