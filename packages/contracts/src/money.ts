import { CURRENCY_DECIMALS, type Currency } from './currency.js';

/**
 * Largest amount accepted per checkout, in minor units (riel, cents). A bound keeps a typo from
 * becoming a million-dollar order and keeps every amount far inside numeric(20,2). Change here.
 */
export const MAX_AMOUNT_MINOR: Record<Currency, bigint> = {
  KHR: 400_000_000n, // 400 million riel, about 100,000 US dollars
  USD: 10_000_000n, // 100,000.00 US dollars
};

export type AmountResult = { ok: true; amount: string; minor: bigint } | { ok: false; message: string };

const DECIMAL = /^(0|[1-9]\d*)(?:\.(\d+))?$/;

/**
 * Validates an amount given as a decimal string (never a number: a float cannot carry money
 * exactly). KHR takes whole numbers, USD at most two decimals; positive and bounded. The string
 * is kept as given (it is what gets signed and sent); `minor` is for comparisons.
 */
export function parseAmount(value: unknown, currency: Currency): AmountResult {
  if (typeof value !== 'string') {
    return { ok: false, message: 'must be a decimal string such as "12.50", not a number' };
  }
  const match = DECIMAL.exec(value);
  if (!match)
    return { ok: false, message: `must be a plain decimal number such as "12.50" (got "${value}")` };
  const [, whole = '0', fraction = ''] = match;
  const decimals = CURRENCY_DECIMALS[currency];
  if (fraction.length > decimals) {
    return {
      ok: false,
      message:
        decimals === 0
          ? `must be a whole number of riel for KHR (got "${value}")`
          : `must have at most ${decimals} decimal places for ${currency} (got "${value}")`,
    };
  }
  const minor = BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, '0') || '0');
  if (minor <= 0n) return { ok: false, message: 'must be greater than zero' };
  if (minor > MAX_AMOUNT_MINOR[currency]) {
    return {
      ok: false,
      message: `must not exceed ${formatMinorUnits(MAX_AMOUNT_MINOR[currency], currency)} ${currency}`,
    };
  }
  return { ok: true, amount: value, minor };
}

/** Minor units (riel, cents) of an amount already known to be valid decimal text. */
export function toMinorUnits(amount: string, currency: Currency): bigint {
  const decimals = CURRENCY_DECIMALS[currency];
  const [whole = '0', fraction = ''] = amount.split('.');
  if (fraction.length > decimals) throw new RangeError(`${amount} has more than ${decimals} decimals`);
  return BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, '0') || '0');
}

/** Canonical decimal text of minor units: "1500" for KHR, "12.50" for USD. */
export function formatMinorUnits(minor: bigint, currency: Currency): string {
  const decimals = CURRENCY_DECIMALS[currency];
  if (decimals === 0) return minor.toString();
  const sign = minor < 0n ? '-' : '';
  const digits = (minor < 0n ? -minor : minor).toString().padStart(decimals + 1, '0');
  return `${sign}${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}
