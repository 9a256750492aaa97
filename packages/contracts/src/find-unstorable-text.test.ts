import { describe, expect, test } from 'vitest';
import { createCheckoutBodySchema } from './api-checkouts.js';
import { findUnstorableText, isStorableText } from './find-unstorable-text.js';

describe('isStorableText', () => {
  test.each([
    ['plain text', 'Sok Dara', true],
    ['a paired surrogate (an emoji)', 'pay \u{1F4B5}', true],
    ['Khmer script', 'សុខ ដារ៉ា', true],
    ['NUL', 'a\u0000b', false],
    ['a lone high surrogate', 'x\uD83Dy', false],
    ['a lone low surrogate', 'x\uDCB5', false],
    ['a reversed pair', '\uDCB5\uD83D', false],
  ])('%s', (_, value, storable) => {
    expect(isStorableText(value)).toBe(storable);
  });
});

describe('findUnstorableText', () => {
  test('names every path, keys included, down nested objects and arrays', () => {
    expect(
      findUnstorableText({
        ok: 'fine',
        remark: 'a\u0000',
        metadata: { list: ['ok', '\uD800'], ['bad\u0000key']: 1, nested: { deep: '\uDC00' } },
      }),
    ).toEqual([
      ['remark'],
      ['metadata', 'list', 1],
      ['metadata', 'bad\u0000key'],
      ['metadata', 'nested', 'deep'],
    ]);
  });
});

describe('createCheckoutBodySchema', () => {
  const body = {
    amount: '12.50',
    currency: 'USD',
    payer: { firstName: 'Sok', lastName: 'Dara', mobile: '012345678', email: 'sok@example.com' },
  };

  test('refuses text PostgreSQL could not store, naming the field', () => {
    const result = createCheckoutBodySchema.safeParse({
      ...body,
      remark: 'x\u0000',
      payer: { ...body.payer, lastName: 'D\uD800' },
      metadata: { order: { note: '\uDC00' } },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.')).sort()).toEqual([
      'metadata.order.note',
      'payer.lastName',
      'remark',
    ]);
  });

  test('accepts the same body with storable text', () => {
    expect(createCheckoutBodySchema.safeParse({ ...body, remark: 'ok \u{1F4B5}' }).success).toBe(true);
  });
});
