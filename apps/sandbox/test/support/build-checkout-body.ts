import { signFields } from '@vexora-checkout/signing';

let sequence = 0;

/** A tradeNo in the recommended shape (yyyyMMddHHmmss + digits), unique within the test run. */
export function uniqueTradeNo(prefix = 'T'): string {
  sequence += 1;
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  return `${prefix}${stamp}${process.pid % 1000}${String(sequence).padStart(5, '0')}`;
}

export const DEV_SECRET = 'sandbox-app-secret';
/** The development accounts: SANDBOX0001 takes USD, SANDBOX0002 takes KHR. */
export const USD_MERCHANT = 'SANDBOX0001';
export const KHR_MERCHANT = 'SANDBOX0002';

/** A valid checkout body for the USD development merchant, signed after the overrides apply. */
export function buildCheckoutBody(
  overrides: Record<string, unknown> = {},
  secret = DEV_SECRET,
): Record<string, unknown> & { tradeNo: string; sign: string } {
  const fields = {
    timestamp: String(Date.now()),
    tradeNo: uniqueTradeNo(),
    amount: '10.50',
    firstname: 'Sok',
    lastname: 'Dara',
    mobile: '12345678',
    email: 'sok.dara@example.com',
    channelCode: 'KHQR',
    wayCode: 'KHQR',
    notifyUrl: 'http://127.0.0.1:9/notify',
    returnUrl: 'https://merchant.example/return',
    remark: 'order-42',
    ...overrides,
  };
  return signFields(fields, secret);
}

/** A signed query body. */
export function buildQueryBody(tradeNo: string, secret = DEV_SECRET): Record<string, string> {
  return signFields({ tradeNo, timestamp: String(Date.now()) }, secret);
}
