import { describe, expect, it } from 'vitest';
import { BUSINESS_CODES, classifyBusinessCode } from './business-codes.js';
import { classifyGatewayStatus, GATEWAY_STATUSES } from './gateway-statuses.js';
import { isQueryNotFound, QUERY_NOT_FOUND } from './query-not-found.js';

describe('classifyGatewayStatus', () => {
  it('knows the contract table', () => {
    expect(classifyGatewayStatus('0000')).toMatchObject({ outcome: 'paid', final: true, known: true });
    expect(classifyGatewayStatus('0001')).toMatchObject({
      outcome: 'partially_paid',
      final: true,
      known: true,
    });
    expect(classifyGatewayStatus('0015')).toMatchObject({ outcome: 'processing', final: false, known: true });
    expect(classifyGatewayStatus('00029')).toMatchObject({ outcome: 'failed', final: true, known: true });
    expect(Object.keys(GATEWAY_STATUSES)).toEqual(['0000', '0001', '0015', '00029']);
  });

  it('keeps unknown codes raw and visible, as final errors', () => {
    expect(classifyGatewayStatus('0042')).toEqual({
      code: '0042',
      known: false,
      outcome: 'failed',
      final: true,
      description: 'unknown status code 0042: an error',
    });
  });
});

describe('classifyBusinessCode', () => {
  it('knows the contract table, and retries only 5000', () => {
    expect(classifyBusinessCode('0000')).toMatchObject({ outcome: 'accepted', known: true });
    expect(classifyBusinessCode('5000')).toMatchObject({ outcome: 'retryable', known: true });
    expect(classifyBusinessCode('8000')).toMatchObject({ outcome: 'rejected', known: true });
    expect(Object.keys(BUSINESS_CODES).sort()).toEqual(['0000', '5000', '8000']);
  });

  it('does not retry unknown codes, and keeps them visible', () => {
    expect(classifyBusinessCode('9999')).toMatchObject({ code: '9999', outcome: 'rejected', known: false });
  });
});

describe('isQueryNotFound', () => {
  it('only trusts the explicit not-found answer', () => {
    expect(isQueryNotFound(QUERY_NOT_FOUND.code, QUERY_NOT_FOUND.sandboxMessage)).toBe(true);
    expect(isQueryNotFound('8000', 'Order not found')).toBe(true);
    expect(isQueryNotFound('8000', 'sign error')).toBe(false);
    expect(isQueryNotFound('8000', undefined)).toBe(false);
    expect(isQueryNotFound('5000', 'order does not exist')).toBe(false);
  });
});
