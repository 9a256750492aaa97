import { describe, expect, it } from 'vitest';
import { findNumberLiteral } from './find-number-literal.js';

describe('findNumberLiteral', () => {
  it('returns the literal as written when it is the only member of that name', () => {
    expect(findNumberLiteral('{"data":{"amount": 300.50}}', 'amount', 300.5)).toBe('300.50');
    expect(findNumberLiteral('{"data":{"amount":1e3}}', 'amount', 1000)).toBe('1e3');
  });

  it('gives up when the name repeats, the value differs or is not a number', () => {
    expect(findNumberLiteral('{"amount":1,"data":{"amount":1}}', 'amount', 1)).toBeUndefined();
    expect(findNumberLiteral('{"data":{"amount":2.5}}', 'amount', 2.51)).toBeUndefined();
    expect(findNumberLiteral('{"data":{"amount":"2.5"}}', 'amount', 2.5)).toBeUndefined();
  });

  it('is not fooled by the name inside a string value', () => {
    expect(findNumberLiteral('{"remark":"\\"amount\\": 9","data":{"amount":9.0}}', 'amount', 9)).toBe('9.0');
  });
});
