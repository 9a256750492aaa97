export type MobileResult = { ok: true; mobile: string } | { ok: false; message: string };

/**
 * Brings a Cambodian mobile number to the form Vexora wants: the 8 or 9 national digits, without
 * the country code (855) and without the trunk prefix 0. Accepts `+855 12 345 678`,
 * `00855…`, `855…`, `012-345-678`, `12345678`; spaces, dashes, dots and parentheses are ignored.
 */
export function normalizeCambodianMobile(input: unknown): MobileResult {
  if (typeof input !== 'string') return { ok: false, message: 'must be a string of digits' };
  const compact = input.trim().replace(/[\s\-.()]/g, '');
  if (!/^\+?\d+$/.test(compact)) {
    return { ok: false, message: `must contain only digits, optionally after "+" (got "${input}")` };
  }
  let digits = compact.replace(/^\+/, '');
  if (compact.startsWith('+')) {
    if (!digits.startsWith('855'))
      return { ok: false, message: `must be a Cambodian number (+855), got "${input}"` };
    digits = digits.slice(3);
  } else if (digits.startsWith('00855')) {
    digits = digits.slice(5);
  } else if (digits.startsWith('855') && digits.length >= 11) {
    // Without "+", 855 is the country code only when 8-9 digits follow it: a national number,
    // with its trunk 0, has at most 10 digits.
    digits = digits.slice(3);
  }
  if (digits.startsWith('0')) digits = digits.slice(1);
  if (!/^[1-9]\d{7,8}$/.test(digits)) {
    return {
      ok: false,
      message: `must be a Cambodian mobile number: 8 or 9 digits after the 0 or +855 prefix (got "${input}")`,
    };
  }
  return { ok: true, mobile: digits };
}
