import { describe, expect, it } from 'vitest';
import { parseSignedBody } from './parse-signed-body.js';
import { sign } from './sign.js';
import { verifyRawBody } from './verify-raw-body.js';

const secret = 'notify-secret';

describe('parseSignedBody', () => {
  it('keeps the wire text of numbers, decoded strings, and skips nested values', () => {
    const raw =
      '{ "amount": 300.50, "big": 1e3, "neg": -2, "name": "S\\u00f6k \\"D\\"", "ok": true, "none": null, "data": {"x": [1, "}"]}, "tradeNo": "T1" }';
    const parsed = parseSignedBody(raw, 'application/json');
    expect(parsed).toMatchObject({
      ok: true,
      wireFields: {
        amount: '300.50',
        big: '1e3',
        neg: '-2',
        name: 'Sök "D"',
        ok: true,
        none: null,
        tradeNo: 'T1',
      },
    });
    expect(parsed.ok && parsed.value.amount).toBe(300.5);
    expect(parsed.ok && 'data' in parsed.wireFields).toBe(false);
  });

  it('reads form-encoded bodies, and JSON even without a JSON content type', () => {
    expect(
      parseSignedBody('tradeNo=T1&amount=300.50&status=0000', 'application/x-www-form-urlencoded'),
    ).toEqual({
      ok: true,
      value: { tradeNo: 'T1', amount: '300.50', status: '0000' },
      wireFields: { tradeNo: 'T1', amount: '300.50', status: '0000' },
    });
    expect(parseSignedBody('{"tradeNo":"T1"}', 'text/plain')).toMatchObject({
      ok: true,
      wireFields: { tradeNo: 'T1' },
    });
  });

  it('reports what is wrong with a body it cannot read', () => {
    expect(parseSignedBody('{"tradeNo": ', 'application/json')).toMatchObject({
      ok: false,
      reason: /invalid JSON/,
    });
    expect(parseSignedBody('[1,2]', 'application/json')).toEqual({
      ok: false,
      reason: 'the JSON body is not an object',
    });
    expect(parseSignedBody('', 'application/x-www-form-urlencoded')).toEqual({
      ok: false,
      reason: 'empty body',
    });
  });
});

describe('verifyRawBody', () => {
  it('verifies what was sent, not what JSON.parse makes of it', () => {
    const signature = sign({ tradeNo: 'T1', amount: '300.50', status: '0000' }, secret);
    const raw = `{"tradeNo":"T1","amount":300.50,"status":"0000","sign":"${signature}"}`;
    expect(verifyRawBody(raw, 'application/json', secret)).toMatchObject({
      parsed: true,
      signature: 'valid',
    });
    // Re-serialising the parsed body would have signed "300.5" and failed.
    expect(verifyRawBody(JSON.stringify(JSON.parse(raw)), 'application/json', secret)).toMatchObject({
      signature: 'invalid',
      reason: 'mismatch',
    });
  });

  it('tells absent, invalid and unparseable apart', () => {
    expect(verifyRawBody('{"tradeNo":"T1"}', 'application/json', secret)).toMatchObject({
      signature: 'absent',
    });
    expect(verifyRawBody('{"tradeNo":"T1","sign":"zz"}', 'application/json', secret)).toMatchObject({
      signature: 'invalid',
      reason: 'malformed',
    });
    expect(verifyRawBody('not json {', 'application/json', secret)).toMatchObject({
      parsed: false,
      signature: 'absent',
    });
  });
});
