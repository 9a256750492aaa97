import { expect, test } from 'vitest';
import { parseRetryAfter } from './parse-retry-after.js';

test('reads delay-seconds and HTTP-dates, and nothing else', () => {
  const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
  expect(parseRetryAfter('3', now)).toBe(3_000);
  expect(parseRetryAfter(' 0 ', now)).toBe(0);
  expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', now)).toBe(5_000);
  expect(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now)).toBe(0);
  expect(parseRetryAfter('-3', now)).toBeUndefined();
  expect(parseRetryAfter('soon', now)).toBeUndefined();
  expect(parseRetryAfter(null, now)).toBeUndefined();
});
