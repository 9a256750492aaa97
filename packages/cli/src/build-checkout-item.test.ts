import { describe, expect, test } from 'vitest';
import { buildCheckoutItem } from './build-checkout-item.js';

const fields = {
  orderId: 'A-1',
  amount: '12.50',
  currency: 'USD',
  firstName: 'Sok',
  lastName: 'Dara',
  mobile: '+855 12 345 678',
  email: 'sok@example.com',
};

describe('buildCheckoutItem', () => {
  test('builds the checkout and its key; the order id is the default merchantReference', () => {
    expect(buildCheckoutItem({ line: 2, fields: { ...fields, remark: 'gift' } }, 'bulk')).toEqual({
      ok: true,
      line: 2,
      orderId: 'A-1',
      idempotencyKey: 'bulk:A-1',
      checkout: {
        amount: '12.50',
        currency: 'USD',
        payer: { firstName: 'Sok', lastName: 'Dara', mobile: '+855 12 345 678', email: 'sok@example.com' },
        merchantReference: 'A-1',
        remark: 'gift',
      },
    });
  });

  test('builds the same request from the same row, so a rerun replays', () => {
    const first = buildCheckoutItem({ line: 2, fields }, 'bulk');
    const again = buildCheckoutItem({ line: 9, fields: { ...fields } }, 'bulk');
    expect(JSON.stringify(first.ok && first.checkout)).toBe(JSON.stringify(again.ok && again.checkout));
  });

  test('takes an explicit merchantReference, a nested payer and an integer order id (NDJSON)', () => {
    const { firstName, lastName, mobile, email, ...rest } = fields;
    const item = buildCheckoutItem(
      {
        line: 1,
        fields: {
          ...rest,
          orderId: 1001,
          merchantReference: 'ref-9',
          payer: { firstName, lastName, mobile, email },
        },
      },
      'p',
    );
    expect(item).toMatchObject({
      ok: true,
      orderId: '1001',
      idempotencyKey: 'p:1001',
      checkout: { merchantReference: 'ref-9' },
    });
  });

  test('reports every reason the API would give, with the line', () => {
    const item = buildCheckoutItem({ line: 7, fields: { ...fields, mobile: '12', email: 'nope' } }, 'bulk');
    expect(item).toEqual({
      ok: false,
      line: 7,
      orderId: 'A-1',
      error:
        'payer.mobile: must be a Cambodian mobile number: 8 or 9 digits after the 0 or +855 prefix (got "12"); payer.email: must be an email address',
    });
    expect(buildCheckoutItem({ line: 8, fields: { ...fields, amount: '1.234' } }, 'bulk')).toMatchObject({
      ok: false,
      error: 'amount: must have at most 2 decimal places for USD (got "1.234")',
    });
  });

  test('refuses a row without orderId, a float amount, unknown fields, and an unreadable row', () => {
    expect(buildCheckoutItem({ line: 3, fields: { ...fields, orderId: ' ' } }, 'b')).toMatchObject({
      ok: false,
      orderId: null,
      error: 'orderId: is required (a string or an integer)',
    });
    expect(buildCheckoutItem({ line: 3, fields: { ...fields, amount: 12.5 } }, 'b')).toMatchObject({
      ok: false,
      error: 'amount: must be a decimal string such as "12.50"',
    });
    expect(buildCheckoutItem({ line: 3, fields: { ...fields, colour: 'red' } }, 'b')).toMatchObject({
      ok: false,
      error: 'unknown field(s): colour',
    });
    expect(buildCheckoutItem({ line: 4, fields: {}, error: 'is not valid JSON' }, 'b')).toEqual({
      ok: false,
      line: 4,
      orderId: null,
      error: 'is not valid JSON',
    });
  });
});
