// fast-check arbitraries for hostile API input, shared by the fuzz and hostile-parameter suites:
// valid checkouts, near-valid mutations of them, and junk that is not a checkout at all.
import fc from 'fast-check';

/** Strings an attacker or a broken client would send where text is expected. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "' OR 1=1--",
    "'; DROP TABLE checkout_intent;--",
    '1; SELECT pg_sleep(10)',
    '" OR ""="',
    '__proto__',
    'constructor',
    '${7*7}',
    '<script>alert(1)</script>',
    '\u0000',
    '\uFEFF',
    '\uD800',
    '🧾💸',
    'ព្រះរាជាណាចក្រកម្ពុជា',
    '',
    ' ',
    '../../etc/passwd',
  ),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 200, max: 20_000 }).map((length) => 'x'.repeat(length)),
);

/** Amounts: canonical ones, and every shape an amount must not take. */
const amount: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 99_999 }).map((cents) => (cents / 100).toFixed(2)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '-1.00',
      '0',
      '0.00',
      '1e3',
      '12.345',
      '12.5',
      'NaN',
      'Infinity',
      '0x10',
      '٣٣',
    ),
  },
  { weight: 1, arbitrary: fc.oneof(fc.double(), fc.integer(), fc.constant(null), fc.boolean()) },
  { weight: 1, arbitrary: hostileString },
);

const payer = fc.record({
  firstName: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('Sok', 'Dara', 'Chan') }, hostileString),
  lastName: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('Dara', 'Vann', 'Sophea') }, hostileString),
  mobile: fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 10_000_000, max: 99_999_999 }).map((n) => `+855 ${n}`) },
    hostileString,
  ),
  email: fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 1, max: 1e6 }).map((n) => `payer${n}@example.com`) },
    hostileString,
  ),
});

/** A checkout that is valid most of the time (so that creates happen) and sometimes subtly not. */
export const checkoutBody: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    amount,
    currency: fc.oneof(
      { weight: 6, arbitrary: fc.constant('USD') },
      fc.constantFrom('KHR', 'usd', 'EUR', ''),
    ),
    payer,
    remark: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('Order', 'ការបញ្ជាទិញ') }, hostileString),
    merchantReference: fc.oneof({ weight: 3, arbitrary: fc.uuid() }, hostileString),
    metadata: fc.dictionary(hostileString, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  },
  { requiredKeys: ['amount', 'currency', 'payer'] },
);

/** Keys that must never reach an object's prototype. */
const pollutingKeys = ['__proto__', 'constructor', 'prototype'] as const;

/** A raw JSON text whose top-level or nested keys try to pollute prototypes. */
export const pollutingJson: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...pollutingKeys), checkoutBody, fc.boolean())
  .map(([key, body, nested]) => {
    const poison = key === 'constructor' ? '{"prototype":{"polluted":"yes"}}' : '{"polluted":"yes"}';
    const text = JSON.stringify(body);
    return nested
      ? text.replace('"payer":{', `"payer":{"${key}":${poison},`)
      : `{"${key}":${poison},${text.slice(1)}`;
  });

/** A near-valid mutation: one field's value replaced, one extra field, one field removed. */
const mutated: fc.Arbitrary<unknown> = fc
  .tuple(
    checkoutBody,
    fc.constantFrom('amount', 'currency', 'payer', 'remark', 'merchantReference', 'metadata', 'extra'),
    fc.oneof(fc.anything({ maxDepth: 3 }), hostileString),
    fc.constantFrom('replace', 'delete', 'add'),
  )
  .map(([body, field, value, how]) => {
    const copy: Record<string, unknown> = { ...body };
    if (how === 'delete') delete copy[field];
    else if (how === 'add') copy[`${field}_extra`] = value;
    else copy[field] = value;
    return copy;
  });

/** Texts that are not JSON, or not an object. */
export const notJson: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', '{', '{"amount":', 'null', '[]', '"text"', '42', 'true', '{"a":1}}', '\u0000'),
  fc.string({ maxLength: 64 }),
  fc.integer({ min: 1, max: 2_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
);

export type FuzzBody = { json: unknown } | { text: string };

/** One body for POST /v1/checkouts: an object (sent as JSON) or a raw text (sent as given). */
const anyCreateBody: fc.Arbitrary<FuzzBody> = fc.oneof(
  { weight: 4, arbitrary: checkoutBody.map((json) => ({ json })) },
  { weight: 4, arbitrary: mutated.map((json) => ({ json })) },
  { weight: 1, arbitrary: pollutingJson.map((text) => ({ text })) },
  { weight: 1, arbitrary: notJson.map((text) => ({ text })) },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 4 }).map((json) => ({ json })) },
);
export const createBody = (): fc.Arbitrary<FuzzBody> => anyCreateBody;

/** One body for POST /v1/checkouts/batch: mostly well-formed envelopes of fuzzed items. */
export const batchBody = (keyPrefix: string): fc.Arbitrary<FuzzBody> =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .array(
          fc.tuple(
            fc.oneof({ weight: 8, arbitrary: fc.nat(1e9).map((n) => `${keyPrefix}-${n}`) }, fc.anything()),
            fc.oneof({ weight: 3, arbitrary: checkoutBody }, mutated),
          ),
          { minLength: 1, maxLength: 12 },
        )
        .map((items) => ({
          json: { items: items.map(([idempotencyKey, checkout]) => ({ idempotencyKey, checkout })) },
        })),
    },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 3 }).map((json) => ({ json: { items: json } })) },
    {
      weight: 1,
      arbitrary: pollutingJson.map((text) => ({
        text: `{"items":[{"idempotencyKey":"${keyPrefix}-p","checkout":${text}}]}`,
      })),
    },
    { weight: 1, arbitrary: notJson.map((text) => ({ text })) },
  );
