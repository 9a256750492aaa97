import { formatMinorUnits, parseAmount } from '@vexora-checkout/contracts';

/**
 * The amount a notification claims, as the canonical decimal text of `numeric(20,2)` ("12.50",
 * "150000.00"), or null when it is not money. A notification names no currency, so it is read
 * with the rules of both: a USD amount (at most two decimals, up to the USD bound) or a whole
 * KHR amount (up to the KHR bound). Zero, negative, out-of-bounds or malformed amounts give null;
 * the raw body still holds what was sent.
 */
export function parseClaimedAmount(text: string | null): string | null {
  if (text === null) return null;
  const usd = parseAmount(text, 'USD');
  if (usd.ok) return formatMinorUnits(usd.minor, 'USD');
  const khr = parseAmount(text, 'KHR');
  if (khr.ok) return `${khr.minor}.00`;
  return null;
}
