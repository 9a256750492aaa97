import { describe, expect, test } from 'vitest';
import { checkKeyPrefix, deriveIdempotencyKey } from './derive-idempotency-key.js';

describe('deriveIdempotencyKey', () => {
  test('is <prefix>:<orderId> for a printable order id', () => {
    expect(deriveIdempotencyKey('bulk', 'A-1001/2')).toEqual({ ok: true, key: 'bulk:A-1001/2' });
  });

  test('percent-encodes what a header cannot carry, and % itself, so keys stay distinct', () => {
    const keys = ['a b', 'a%20b', 'ក-1', 'a%b', 'a\tb'].map((id) => deriveIdempotencyKey('p', id));
    expect(keys).toEqual([
      { ok: true, key: 'p:a%20b' },
      { ok: true, key: 'p:a%2520b' },
      { ok: true, key: 'p:%E1%9E%80-1' },
      { ok: true, key: 'p:a%25b' },
      { ok: true, key: 'p:a%09b' },
    ]);
    for (const key of keys) if (key.ok) expect(key.key).toMatch(/^[\x21-\x7e]{1,255}$/);
  });

  test('refuses an order id too long for a key', () => {
    // "bulk:" takes 5 of the 255 characters.
    expect(deriveIdempotencyKey('bulk', 'x'.repeat(250)).ok).toBe(true);
    expect(deriveIdempotencyKey('bulk', 'x'.repeat(251))).toMatchObject({ ok: false });
    expect(deriveIdempotencyKey('bulk', 'é'.repeat(50)).ok).toBe(false);
  });

  test('checks a prefix', () => {
    expect(checkKeyPrefix('shop-2025')).toBeUndefined();
    expect(checkKeyPrefix('with space')).toBe('must be printable ASCII without spaces');
    expect(checkKeyPrefix('')).toBe('must be printable ASCII without spaces');
    expect(checkKeyPrefix('p'.repeat(65))).toBe('must be at most 64 characters');
  });
});
