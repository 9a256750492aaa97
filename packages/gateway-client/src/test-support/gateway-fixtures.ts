import type { VexoraAccount } from '@vexora-checkout/contracts';
import { onTestFinished } from 'vitest';
import {
  createGatewayClient,
  type CheckoutInput,
  type GatewayClient,
  type GatewayClientOptions,
} from '../create-gateway-client.js';
import { startFakeGateway, type FakeGateway } from './start-fake-gateway.js';

export const SECRET = 'unit-test-app-secret-7f3a';

export const ACCOUNT: Pick<VexoraAccount, 'merchantNo' | 'appSecret'> = {
  merchantNo: 'M100200300',
  appSecret: SECRET,
};

/** A whole second, so HTTP-dates (second precision) compare exactly. */
export const NOW = 1_719_876_543_000;

export const PAYER = {
  firstname: 'Sokha',
  lastname: 'Chanthou',
  mobile: '12345678',
  email: 'sokha.chanthou@example.com',
} as const;

export const CHECKOUT: CheckoutInput = {
  tradeNo: 'VX20260331000125',
  amount: '12.50',
  ...PAYER,
  channelCode: 'KHQR',
  wayCode: 'KHQR',
  notifyUrl: 'https://merchant-api.example.com/vexora/payment/notify',
  returnUrl: 'https://merchant.example.com/payment/result',
  remark: 'order_vx_000125',
};

/**
 * A fake gateway and a client pointed at it, both closed when the test ends (client first, so
 * the pool closes its sockets itself).
 */
export async function setUpGateway(
  options: Partial<GatewayClientOptions> = {},
): Promise<{ gateway: FakeGateway; client: GatewayClient }> {
  const gateway = await startFakeGateway();
  const client = createGatewayClient({
    baseUrl: gateway.url,
    account: ACCOUNT,
    clock: () => NOW,
    ...options,
  });
  onTestFinished(async () => {
    await client.close();
    await gateway.close();
  });
  return { gateway, client };
}

/** A checkout answer in the contract's shape. */
export function acceptedCheckout(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    msg: 'success',
    code: '0000',
    timestamp: NOW,
    success: true,
    data: {
      tradeNo: CHECKOUT.tradeNo,
      platFormTradeNo: 'PF880001',
      status: '0015',
      message: 'processing',
      remark: CHECKOUT.remark,
      paymentLink: 'https://cashier.vexora.example/pay/PF880001',
      payInfo: '00020101021229370016vexora@khqr',
    },
    ...overrides,
  };
}
