import { describe, expect, test } from 'vitest';
import { normalizeIp } from './normalize-ip.js';
import { parseIpRanges } from './parse-ip-ranges.js';
import { parseTrustProxy } from './parse-trust-proxy.js';

function allows(list: string, address: string): boolean {
  const parsed = parseIpRanges(list);
  if (!parsed.ok) throw new Error(parsed.issues.join('; '));
  const { address: normalised, family } = normalizeIp(address);
  return parsed.list.check(normalised, family);
}

describe('parseIpRanges', () => {
  test('matches IPv4 ranges and single addresses', () => {
    const list = '203.0.113.0/24, 198.51.100.7';
    expect(allows(list, '203.0.113.0')).toBe(true);
    expect(allows(list, '203.0.113.255')).toBe(true);
    expect(allows(list, '203.0.114.0')).toBe(false);
    expect(allows(list, '198.51.100.7')).toBe(true);
    expect(allows(list, '198.51.100.8')).toBe(false);
  });

  test('matches IPv6 ranges, and IPv4-mapped IPv6 peers against IPv4 ranges', () => {
    const list = '2001:db8::/32,10.0.0.0/8';
    expect(allows(list, '2001:db8:1::5')).toBe(true);
    expect(allows(list, '2001:db9::1')).toBe(false);
    expect(allows(list, '::ffff:10.1.2.3')).toBe(true);
    expect(allows(list, '::ffff:11.1.2.3')).toBe(false);
    expect(allows(list, 'fe80::1%eth0')).toBe(false);
  });

  test('a /0 range admits the whole family, not the other one', () => {
    expect(allows('0.0.0.0/0', '8.8.8.8')).toBe(true);
    expect(allows('0.0.0.0/0', '2001:db8::1')).toBe(false);
    expect(allows('::/0', '2001:db8::1')).toBe(true);
  });

  test('reports every bad entry', () => {
    expect(parseIpRanges('10.0.0.0/33, example.com, 10.0.0.1/x, ::1/129, 1.2.3.4')).toEqual({
      ok: false,
      issues: [
        '"10.0.0.0/33": the prefix length must be a whole number from 0 to 32',
        '"example.com" is not an IPv4 or IPv6 address or CIDR range',
        '"10.0.0.1/x": the prefix length must be a whole number from 0 to 32',
        '"::1/129": the prefix length must be a whole number from 0 to 128',
      ],
    });
    expect(parseIpRanges(' , ')).toEqual({ ok: false, issues: ['lists no address or range'] });
  });
});

describe('parseTrustProxy', () => {
  test('reads Express "trust proxy" values', () => {
    expect(parseTrustProxy('false')).toEqual({ ok: true, value: false });
    expect(parseTrustProxy('')).toEqual({ ok: true, value: false });
    expect(parseTrustProxy('TRUE')).toEqual({ ok: true, value: true });
    expect(parseTrustProxy('2')).toEqual({ ok: true, value: 2 });
    expect(parseTrustProxy('loopback, 10.0.0.0/8, fd00::/8')).toEqual({
      ok: true,
      value: ['loopback', '10.0.0.0/8', 'fd00::/8'],
    });
  });

  test('refuses what Express would misread', () => {
    expect(parseTrustProxy('yes').ok).toBe(false);
    expect(parseTrustProxy('loopback, 10.0.0.0/40').ok).toBe(false);
    expect(parseTrustProxy('99').ok).toBe(false);
  });
});
