import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildSignatureBase, compareCodePoints } from './build-signature-base.js';
import { sign, signFields } from './sign.js';
import { verify } from './verify.js';

// The gateway contract's worked example: the seed page's request, secret "test-secret".
const example = {
  sign: 'ignored',
  timestamp: '1719876543210',
  tradeNo: 'VX20260331000125',
  amount: '300',
  mobile: '09123456789',
  firstname: 'Rizky',
  lastname: 'Pratama',
  email: '123@gmail.com',
  channelCode: 'KHQR',
  wayCode: 'KHQR',
  notifyUrl: 'https://merchant-api.com/vexora/payment/notify',
  returnUrl: 'https://merchant.com/payment/result',
  remark: 'order_vx_000125',
};

describe('sign', () => {
  it('reproduces the worked example of the contract', () => {
    expect(buildSignatureBase(example)).toBe(
      'amount=300channelCode=KHQRemail=123@gmail.comfirstname=Rizkylastname=Pratamamobile=09123456789' +
        'notifyUrl=https://merchant-api.com/vexora/payment/notifyremark=order_vx_000125' +
        'returnUrl=https://merchant.com/payment/resulttimestamp=1719876543210tradeNo=VX20260331000125wayCode=KHQR',
    );
    expect(sign(example, 'test-secret')).toBe('482548cc66d0701ba479c682913d60a1');
  });

  it('leaves out empty values, sign itself, and nested objects and arrays', () => {
    const base = buildSignatureBase({
      b: '2',
      a: '1',
      empty: '',
      nothing: null,
      missing: undefined,
      nested: { x: 1 },
      list: [1, 2],
      sign: 'abc',
    });
    expect(base).toBe('a=1b=2');
  });

  it('does not depend on the order of the fields', () => {
    const reversed = Object.fromEntries(Object.entries(example).reverse());
    expect(sign(reversed, 'test-secret')).toBe(sign(example, 'test-secret'));
  });

  it('signs numbers and booleans as their wire text, which differs from other spellings', () => {
    expect(buildSignatureBase({ amount: 300, ok: true, rate: 0.5 })).toBe('amount=300ok=truerate=0.5');
    // "300.50" on the wire is not the number 300.5: sign what was sent.
    expect(sign({ amount: '300.50' }, 's3cret-key')).not.toBe(sign({ amount: 300.5 }, 's3cret-key'));
    expect(sign({ amount: '300' }, 's3cret-key')).toBe(sign({ amount: 300 }, 's3cret-key'));
  });

  it('orders names by code point, hashes UTF-8', () => {
    // "\u{1F600}" (U+1F600) sorts after "\uFF21" (U+FF21) by code point, before it by UTF-16 unit.
    expect(compareCodePoints('\u{1F600}', '\uFF21')).toBeGreaterThan(0);
    expect(buildSignatureBase({ '\u{1F600}': 'a', '\uFF21': 'b', Z: 'c', a: 'd' })).toBe(
      'Z=ca=d\uFF21=b\u{1F600}=a',
    );
    expect(sign({ firstname: 'សុខ' }, 'secret-km')).toBe(sign({ firstname: 'សុខ' }, 'secret-km'));
    expect(sign({ firstname: 'សុខ' }, 'secret-km')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('refuses an empty secret', () => {
    expect(() => sign({ a: '1' }, '')).toThrow(/empty app secret/);
  });
});

describe('verify', () => {
  const secret = 'test-secret';

  it('accepts the right signature, in either hex case', () => {
    expect(verify({ ...example, sign: '482548cc66d0701ba479c682913d60a1' }, secret)).toEqual({ ok: true });
    expect(verify({ ...example, sign: '482548CC66D0701BA479C682913D60A1' }, secret)).toEqual({ ok: true });
  });

  it('says why it refuses', () => {
    const { sign: _ignored, ...unsigned } = example;
    expect(verify(unsigned, secret)).toEqual({ ok: false, reason: 'absent' });
    expect(verify({ ...example, sign: '' }, secret)).toEqual({ ok: false, reason: 'absent' });
    expect(verify({ ...example, sign: 'not-a-digest' }, secret)).toEqual({ ok: false, reason: 'malformed' });
    expect(verify({ ...example, sign: 42 }, secret)).toEqual({ ok: false, reason: 'malformed' });
    expect(verify({ ...example, sign: '482548cc66d0701ba479c682913d60a2' }, secret)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verify({ ...example, sign: '482548cc66d0701ba479c682913d60a1' }, 'other-secret')).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  const fieldName = fc
    .string({ minLength: 1, maxLength: 12 })
    .filter((name) => name !== 'sign' && name !== '__proto__');
  const fieldValue = fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.integer(), fc.boolean());
  const fields = fc.dictionary(fieldName, fieldValue, { minKeys: 1, maxKeys: 12 });
  const secrets = fc.string({ minLength: 1, maxLength: 40 });

  it('round-trips: whatever is signed verifies (property)', () => {
    fc.assert(
      fc.property(fields, secrets, (record, key) => {
        expect(verify(signFields(record, key), key)).toEqual({ ok: true });
      }),
    );
  });

  it('fails when any single signed field changes (property)', () => {
    fc.assert(
      fc.property(
        fields,
        secrets,
        fc.nat(),
        fc.string({ minLength: 1, maxLength: 20 }),
        (record, key, pick, replacement) => {
          const signed = signFields(record, key);
          const names = Object.keys(record);
          const name = names[pick % names.length] ?? '';
          const before = record[name];
          fc.pre(typeof before !== 'string' || before !== replacement);
          fc.pre(String(before) !== replacement);
          expect(verify({ ...signed, [name]: replacement }, key)).toEqual({ ok: false, reason: 'mismatch' });
        },
      ),
    );
  });

  it('fails when a field is added or the secret changes (property)', () => {
    fc.assert(
      fc.property(fields, secrets, secrets, (record, key, otherKey) => {
        fc.pre(key !== otherKey);
        const signed = signFields(record, key);
        expect(verify(signed, otherKey).ok).toBe(false);
        expect(verify({ ...signed, zzzExtra: 'x' }, key).ok).toBe(false);
      }),
    );
  });
});
