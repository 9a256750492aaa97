import { signFields } from '@vexora-checkout/signing';
import { DEFAULT_SANDBOX_ACCOUNTS, type VexoraAccount } from '@vexora-checkout/contracts';
import { describe, expect, test } from 'vitest';
import { computeDedupeKey } from './compute-dedupe-key.js';
import { parseClaimedAmount } from './parse-claimed-amount.js';
import { parseNotificationClaim } from './parse-notification-claim.js';
import { selectEvidenceHeaders } from './select-evidence-headers.js';
import { createNotificationVerifier } from './verify-notification-signature.js';

const JSON_TYPE = 'application/json; charset=utf-8';
const FORM_TYPE = 'application/x-www-form-urlencoded';

const fields = {
  platFormTradeNo: 'P123',
  tradeNo: 'T20261126000001',
  amount: '12.50',
  status: '0000',
  message: 'success',
  timestamp: '1764150000000',
};

describe('parseNotificationClaim', () => {
  test('reads the claim of a JSON notification', () => {
    const parsed = parseNotificationClaim(JSON.stringify(fields), JSON_TYPE);
    expect(parsed).toMatchObject({
      ok: true,
      claim: {
        tradeNo: 'T20261126000001',
        platformTradeNo: 'P123',
        status: '0000',
        amountText: '12.50',
        amount: '12.50',
      },
    });
  });

  test('reads a form-encoded body, whatever its content type says', () => {
    const body = new URLSearchParams(fields).toString();
    for (const contentType of [FORM_TYPE, 'text/plain', '']) {
      expect(parseNotificationClaim(body, contentType)).toMatchObject({
        ok: true,
        claim: { tradeNo: 'T20261126000001', platformTradeNo: 'P123', status: '0000', amount: '12.50' },
      });
    }
  });

  test('keeps a JSON number amount as written, and accepts platformTradeNo', () => {
    const parsed = parseNotificationClaim(
      '{"tradeNo":"T1","platformTradeNo":"P1","status":"0001","amount":4.50}',
      JSON_TYPE,
    );
    expect(parsed).toMatchObject({
      ok: true,
      claim: { platformTradeNo: 'P1', amountText: '4.50', amount: '4.50' },
      wireFields: { amount: '4.50' },
    });
  });

  test('is not a notification without a usable tradeNo', () => {
    expect(parseNotificationClaim('{"status":"0000"}', JSON_TYPE)).toMatchObject({
      ok: false,
      reason: 'no tradeNo',
      claim: { tradeNo: null, status: '0000' },
    });
    expect(parseNotificationClaim(JSON.stringify({ tradeNo: 'x'.repeat(65) }), JSON_TYPE)).toMatchObject({
      ok: false,
      reason: 'tradeNo is not a text of at most 64 printable characters',
    });
    expect(parseNotificationClaim('{"tradeNo":"T\\u0000"}', JSON_TYPE).ok).toBe(false);
    expect(parseNotificationClaim('{"tradeNo": {"nested": 1}}', JSON_TYPE).ok).toBe(false);
    expect(parseNotificationClaim('{not json', JSON_TYPE)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('invalid JSON') as string,
    });
    expect(parseNotificationClaim('[1,2]', JSON_TYPE).ok).toBe(false);
    expect(parseNotificationClaim('', FORM_TYPE)).toMatchObject({ ok: false, reason: 'empty body' });
  });

  test('stores oversized or control-character fields other than tradeNo as null', () => {
    const parsed = parseNotificationClaim(
      JSON.stringify({ tradeNo: 'T1', status: '0'.repeat(17), platFormTradeNo: 'P\n1' }),
      JSON_TYPE,
    );
    expect(parsed).toMatchObject({ ok: true, claim: { tradeNo: 'T1', status: null, platformTradeNo: null } });
  });
});

describe('parseClaimedAmount', () => {
  test('gives canonical money text for USD and KHR amounts', () => {
    expect(parseClaimedAmount('12.5')).toBe('12.50');
    expect(parseClaimedAmount('12.50')).toBe('12.50');
    expect(parseClaimedAmount('7')).toBe('7.00');
    expect(parseClaimedAmount('150000')).toBe('150000.00'); // above the USD bound: riel
    expect(parseClaimedAmount('400000000')).toBe('400000000.00');
  });

  test('gives null for what is not money', () => {
    for (const text of [
      null,
      '',
      '0',
      '-1',
      '1.234',
      '1e3',
      '12,50',
      ' 12.50',
      '400000001',
      'abc',
      '150000.50',
    ])
      expect(parseClaimedAmount(text)).toBeNull();
  });
});

describe('computeDedupeKey', () => {
  const claimOf = (body: string, contentType = JSON_TYPE) => {
    const parsed = parseNotificationClaim(body, contentType);
    if (!parsed.ok) throw new Error(parsed.reason);
    return parsed.claim;
  };

  test('is the same for retries of one claim, whatever else differs', () => {
    const first = computeDedupeKey(claimOf(JSON.stringify(fields)), '');
    const retry = computeDedupeKey(
      claimOf(JSON.stringify({ ...fields, timestamp: '1764150099999', message: 'paid', amount: '12.5' })),
      '',
    );
    const asForm = computeDedupeKey(claimOf(new URLSearchParams(fields).toString(), FORM_TYPE), '');
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(retry).toBe(first);
    expect(asForm).toBe(first);
  });

  test('differs when any part of the claim differs', () => {
    const base = computeDedupeKey(claimOf(JSON.stringify(fields)), '');
    for (const change of [
      { status: '0001' },
      { amount: '12.51' },
      { tradeNo: 'T20261126000002' },
      { platFormTradeNo: 'P124' },
    ]) {
      expect(computeDedupeKey(claimOf(JSON.stringify({ ...fields, ...change })), '')).not.toBe(base);
    }
  });

  test('hashes the body itself when there is no claim', () => {
    expect(computeDedupeKey(undefined, 'junk')).toBe(computeDedupeKey(undefined, 'junk'));
    expect(computeDedupeKey(undefined, 'junk')).not.toBe(computeDedupeKey(undefined, 'junk2'));
  });
});

describe('createNotificationVerifier', () => {
  const accounts: VexoraAccount[] = [
    { ...DEFAULT_SANDBOX_ACCOUNTS[0]!, id: 'usd', appSecret: 'usd-secret-123' },
    { ...DEFAULT_SANDBOX_ACCOUNTS[1]!, id: 'khr', appSecret: 'khr-secret-456' },
    { ...DEFAULT_SANDBOX_ACCOUNTS[1]!, id: 'khr-2', appSecret: 'khr-secret-456' },
  ];
  const verify = createNotificationVerifier(accounts);
  const wire = (body: string, contentType = JSON_TYPE) =>
    parseNotificationClaim(body, contentType).wireFields;

  test('names every account whose secret verifies the sign', () => {
    expect(verify(wire(JSON.stringify(signFields(fields, 'usd-secret-123'))))).toEqual({
      signature: 'valid',
      accountIds: ['usd'],
    });
    expect(verify(wire(JSON.stringify(signFields(fields, 'khr-secret-456'))))).toEqual({
      signature: 'valid',
      accountIds: ['khr', 'khr-2'],
    });
    const form = new URLSearchParams(signFields(fields, 'usd-secret-123')).toString();
    expect(verify(wire(form, FORM_TYPE)).signature).toBe('valid');
  });

  test('verifies a JSON number amount by its wire text', () => {
    const sign = signFields({ ...fields, amount: '12.50' }, 'usd-secret-123').sign;
    const body = JSON.stringify({ ...fields, sign }).replace('"amount":"12.50"', '"amount":12.50');
    expect(verify(wire(body)).signature).toBe('valid');
  });

  test('invalid when the sign matches no account, or the body was altered', () => {
    expect(verify(wire(JSON.stringify(signFields(fields, 'someone-else'))))).toEqual({
      signature: 'invalid',
      accountIds: [],
    });
    const altered = { ...signFields(fields, 'usd-secret-123'), amount: '1200.00' };
    expect(verify(wire(JSON.stringify(altered))).signature).toBe('invalid');
    expect(verify(wire(JSON.stringify({ ...fields, sign: 'not-hex' }))).signature).toBe('invalid');
  });

  test('absent without a sign, or without a parsed body', () => {
    expect(verify(wire(JSON.stringify(fields)))).toEqual({ signature: 'absent', accountIds: [] });
    expect(verify(wire(JSON.stringify({ ...fields, sign: '' }))).signature).toBe('absent');
    expect(verify(undefined)).toEqual({ signature: 'absent', accountIds: [] });
  });
});

describe('selectEvidenceHeaders', () => {
  test('keeps only the allow-listed headers, shortened', () => {
    expect(
      selectEvidenceHeaders({
        'content-type': 'application/json',
        authorization: 'Bearer secret',
        cookie: 'session=1',
        'x-api-key': 'k',
        'x-forwarded-for': ['203.0.113.7', '10.0.0.1'],
        'user-agent': 'u'.repeat(600),
      }),
    ).toEqual({
      'content-type': 'application/json',
      'x-forwarded-for': '203.0.113.7, 10.0.0.1',
      'user-agent': 'u'.repeat(512),
    });
  });
});
