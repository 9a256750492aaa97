import { describe, expect, it } from 'vitest';
import {
  checkoutRequestSchema,
  checkoutResponseSchema,
  notificationSchema,
  queryResponseSchema,
} from './gateway-messages.js';

const request = {
  timestamp: '1719876543210',
  tradeNo: '20261126190000000001',
  amount: '300',
  firstname: 'Rizky',
  lastname: 'Pratama',
  mobile: '12345678',
  email: 'payer@example.com',
  channelCode: 'KHQR',
  wayCode: 'KHQR',
  notifyUrl: 'https://merchant.example/vexora/notify',
  returnUrl: 'https://merchant.example/done',
  remark: 'order-1',
};

describe('checkoutRequestSchema (what we send: strict)', () => {
  it('accepts the contract request', () => {
    expect(checkoutRequestSchema.parse(request)).toEqual(request);
  });

  it('refuses numbers, missing or empty fields, extras, and bad URLs, naming them', () => {
    const result = checkoutRequestSchema.safeParse({
      ...request,
      amount: 300,
      remark: '',
      notifyUrl: 'not a url',
      currency: 'USD',
    });
    expect(result.success).toBe(false);
    const problems = result.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? [];
    expect(problems).toEqual(
      expect.arrayContaining([
        'amount: amount must be a string',
        'remark: remark is required',
        'notifyUrl: notifyUrl must be a URL',
        expect.stringMatching(/currency/),
      ]),
    );
  });
});

describe('responses (what we receive: lenient, nothing lost)', () => {
  it('reads a checkout answer whose types drift from the docs', () => {
    const parsed = checkoutResponseSchema.parse({
      msg: 'success',
      code: '0000',
      timestamp: 1719876543999,
      success: 'true',
      data: {
        tradeNo: 'T1',
        platFormTradeNo: 'P1',
        status: '0015',
        paymentLink: 'https://pay.example/P1',
        payInfo: '000201',
        newField: 'kept',
      },
    });
    expect(parsed).toMatchObject({
      timestamp: '1719876543999',
      success: true,
      data: { status: '0015', newField: 'kept' },
    });
  });

  it('reads a query answer with a numeric amount, and a refusal without data', () => {
    expect(
      queryResponseSchema.parse({
        code: '0000',
        msg: 'success',
        success: true,
        data: { tradeNo: 'T1', status: '0001', amount: 150.5 },
      }).data?.amount,
    ).toBe('150.5');
    expect(
      queryResponseSchema.parse({ code: '8000', msg: 'order does not exist', success: false, data: null }),
    ).toMatchObject({
      code: '8000',
      data: undefined,
    });
  });

  it('reads a notification, keeping fields beyond the published four', () => {
    expect(
      notificationSchema.parse({
        platFormTradeNo: 'P1',
        tradeNo: 'T1',
        amount: 300,
        status: '0000',
        sign: 'abc',
        extra: 1,
      }),
    ).toEqual({ platFormTradeNo: 'P1', tradeNo: 'T1', amount: '300', status: '0000', sign: 'abc', extra: 1 });
    expect(notificationSchema.safeParse({ tradeNo: 'T1' }).success).toBe(false);
  });
});
