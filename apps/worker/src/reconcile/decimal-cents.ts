/**
 * Cents (hundredths) of a decimal amount as text, or null when it is not a plain non-negative
 * decimal or carries a non-zero digit past the second decimal (our columns are numeric(20,2), so
 * such an amount can never equal one of ours). Compares money without floats: "12.5", "12.50"
 * and "12.500" are all 1250.
 */
export function decimalCents(text: string | null | undefined): bigint | null {
  if (text === null || text === undefined) return null;
  const match = /^(\d{1,18})(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return null;
  const [, whole = '0', fraction = ''] = match;
  if (/[1-9]/.test(fraction.slice(2))) return null;
  return BigInt(whole) * 100n + BigInt(fraction.slice(0, 2).padEnd(2, '0'));
}

/** Canonical two-decimal text of cents, as numeric(20,2) stores it. */
export function formatCents(cents: bigint): string {
  const digits = cents.toString().padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}
