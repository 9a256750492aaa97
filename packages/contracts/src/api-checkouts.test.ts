import { describe, expect, it } from 'vitest';
import { createCheckoutBodySchema } from './api-checkouts.js';

const body = {
  amount: '12.50',
  currency: 'USD',
  payer: { firstName: 'Sok', lastName: 'Dara', mobile: '+855 12 345 678', email: 'sok@example.com' },
  merchantReference: 'order-42',
};

describe('createCheckoutBodySchema', () => {
  it('accepts a checkout and normalises the mobile number', () => {
    expect(createCheckoutBodySchema.parse(body)).toEqual({
      ...body,
      payer: { ...body.payer, mobile: '12345678' },
    });
  });

  it('applies the currency rules to the amount', () => {
    const result = createCheckoutBodySchema.safeParse({ ...body, currency: 'KHR' });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toHaveLength(1);
    expect(result.error?.issues[0]).toMatchObject({ path: ['amount'], message: /whole number of riel/ });
  });

  it('lists every problem with its path, and refuses unknown fields', () => {
    const result = createCheckoutBodySchema.safeParse({
      amount: 12.5,
      currency: 'EUR',
      payer: { firstName: '', lastName: 'D', mobile: '+66 1', email: 'nope' },
      notifyUrl: 'https://evil.example',
    });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join('.')) ?? [];
    expect(paths).toEqual(
      expect.arrayContaining(['amount', 'currency', 'payer.firstName', 'payer.mobile', 'payer.email', '']),
    );
  });
});
