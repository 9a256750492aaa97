import type { Currency, VexoraAccount } from '@vexora-checkout/contracts';

/**
 * The currency of an order. The checkout request carries none, so the sandbox takes it from the
 * merchant account (the assumption of `@vexora-checkout/contracts`: an account settles in its
 * currencies, and the channel tells them apart when it has several):
 * - an account with one currency: that one (the development accounts have one each);
 * - several: the currency the channel code ends with (`KHQR_USD`, `KHQR-KHR`), if the account
 *   takes it; otherwise the account's first listed currency.
 * One place to change when Vexora's WayCode appendix says how it really works.
 */
export function resolveOrderCurrency(account: VexoraAccount, channelCode: string): Currency {
  const [first, ...others] = account.currencies;
  if (first === undefined) throw new Error(`account ${account.merchantNo} lists no currency`);
  if (others.length === 0) return first;
  const named = /(?:^|[^A-Z])(USD|KHR)$/i.exec(channelCode)?.[1]?.toUpperCase();
  return account.currencies.find((currency) => currency === named) ?? first;
}
