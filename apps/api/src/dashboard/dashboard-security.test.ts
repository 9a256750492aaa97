// The dashboard's security building blocks, without a server: password hashes, signed cookies,
// the sign-in throttle, the redirect target after sign-in, the settings parser.
import { describe, expect, test } from 'vitest';
import { safeNextPath } from './create-dashboard.js';
import { parseDashboardSettings } from './dashboard-settings.js';
import { createLoginThrottle } from './login-throttle.js';
import {
  hashOperatorPassword,
  parseOperatorPasswordHash,
  verifyOperatorPassword,
} from './operator-password.js';
import { formatAmount } from './pages/format.js';
import { html, jsonForScript } from './render-page.js';

const CHEAP = { log2N: 10, r: 8, p: 1 };

describe('operator passwords', () => {
  test('a hash verifies its password only, and two hashes of one password differ (salt)', async () => {
    const first = await hashOperatorPassword('a long enough password', CHEAP);
    const second = await hashOperatorPassword('a long enough password', CHEAP);
    expect(first).toMatch(/^scrypt\$10\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]{43}$/);
    expect(first).not.toBe(second);
    const parsed = parseOperatorPasswordHash(first)!;
    expect(await verifyOperatorPassword('a long enough password', parsed)).toBe(true);
    expect(await verifyOperatorPassword('a long enough passworD', parsed)).toBe(false);
    expect(await verifyOperatorPassword('', parsed)).toBe(false);
  });

  test('malformed or out-of-range hashes are not accepted', () => {
    for (const text of [
      '',
      'plain',
      'scrypt$15$8$1$salt$hash',
      'scrypt$30$8$1$AAAAAAAAAAAAAAAAAAAAAA$' + 'A'.repeat(43),
    ]) {
      expect(parseOperatorPasswordHash(text), text).toBeUndefined();
    }
  });
});

describe('settings', () => {
  test('operators need a valid entry each and a session secret; problems never echo a hash', async () => {
    const hash = await hashOperatorPassword('a long enough password', CHEAP);
    const ok = parseDashboardSettings({
      DASHBOARD_OPERATORS: `alice:${hash}, bob@shop:${hash}`,
      DASHBOARD_SESSION_SECRET: 'x'.repeat(32),
    });
    expect(ok.ok && ok.settings.operators.map((operator) => operator.name)).toEqual(['alice', 'bob@shop']);
    expect(parseDashboardSettings({})).toMatchObject({ ok: true, settings: { operators: [] } });

    const bad = parseDashboardSettings({ DASHBOARD_OPERATORS: `alice:${hash},alice:${hash},eve:nothash,:x` });
    expect(bad.ok).toBe(false);
    const issues = bad.ok ? [] : bad.issues;
    expect(issues).toEqual([
      'DASHBOARD_OPERATORS: alice is listed twice',
      'DASHBOARD_OPERATORS: entry 3 (eve) must be name:<hash from npm run operator-password>',
      'DASHBOARD_OPERATORS: entry 4 must start with a name of 1-64 letters, digits or ._@-',
      'DASHBOARD_SESSION_SECRET: required when DASHBOARD_OPERATORS is set',
    ]);
    expect(issues.join(' ')).not.toContain('nothash');
    expect(
      parseDashboardSettings({ DASHBOARD_OPERATORS: `alice:${hash}`, DASHBOARD_SESSION_SECRET: 'short' }).ok,
    ).toBe(false);
  });
});

describe('sign-in throttle', () => {
  test('five failures block the name, twenty the address, until the window ends; success clears the name', () => {
    let now = 0;
    const throttle = createLoginThrottle({ windowMs: 60_000, now: () => now });
    for (let i = 0; i < 5; i += 1) throttle.recordFailure('alice', '10.0.0.1');
    expect(throttle.retryAfterMs('ALICE', '10.0.0.2')).toBe(60_000); // names ignore case
    expect(throttle.retryAfterMs('bob', '10.0.0.2')).toBe(0);
    now = 59_999;
    expect(throttle.retryAfterMs('alice', '10.0.0.2')).toBe(1);
    now = 60_000;
    expect(throttle.retryAfterMs('alice', '10.0.0.2')).toBe(0);

    for (let i = 0; i < 20; i += 1) throttle.recordFailure(`user${i}`, '10.0.0.9');
    expect(throttle.retryAfterMs('carol', '10.0.0.9')).toBeGreaterThan(0);
    expect(throttle.retryAfterMs('carol', '10.0.0.8')).toBe(0);

    for (let i = 0; i < 5; i += 1) throttle.recordFailure('dave', '10.0.0.3');
    throttle.recordSuccess('dave');
    expect(throttle.retryAfterMs('dave', '10.0.0.4')).toBe(0);
  });

  test('an attempt is counted when it begins: the sixth begun before any answer is refused; a success gives its count back', () => {
    const throttle = createLoginThrottle({ windowMs: 60_000, now: () => 0 });
    const begun = Array.from({ length: 8 }, () => throttle.beginAttempt('erin', '10.0.0.5'));
    expect(begun).toEqual([0, 0, 0, 0, 0, 60_000, 60_000, 60_000]);

    // 20 begun from one address, one of them a success: one more may begin, not two.
    for (let i = 0; i < 20; i += 1) expect(throttle.beginAttempt(`u${i}`, '10.0.0.6')).toBe(0);
    throttle.recordSuccess('u0', '10.0.0.6');
    expect(throttle.beginAttempt('frank', '10.0.0.6')).toBe(0);
    expect(throttle.beginAttempt('grace', '10.0.0.6')).toBe(60_000);
  });
});

describe('pages', () => {
  test('after sign-in, only paths of the dashboard are followed', () => {
    expect(safeNextPath('/dashboard/exceptions?x=1')).toBe('/dashboard/exceptions?x=1');
    expect(safeNextPath('/dashboard')).toBe('/dashboard');
    for (const next of [
      '//evil.example',
      'https://evil.example/dashboard',
      '/dashboardx',
      '/dashboard\\@evil',
      '/v1/checkouts',
      42,
    ]) {
      expect(safeNextPath(next), String(next)).toBe('/dashboard');
    }
  });

  test('interpolations are escaped, JSON cannot close its script element, amounts stay decimal strings', () => {
    expect(html`<p title="${'"x"'}">${'<b>&</b>'}</p>`.text).toBe(
      '<p title="&quot;x&quot;">&lt;b&gt;&amp;&lt;/b&gt;</p>',
    );
    expect(jsonForScript({ a: '</script><script>alert(1)</script>' }).text).not.toContain('<');
    expect(formatAmount('12345678901234567.89')).toBe('12,345,678,901,234,567.89');
    expect(formatAmount('-4000.00')).toBe('-4,000.00');
    expect(formatAmount('999')).toBe('999');
    expect(formatAmount(null)).toBe('—');
  });
});
