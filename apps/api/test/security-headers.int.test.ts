// Security headers of the HTML pages the system serves: the api's reference page (/docs) and the
// sandbox's hosted cashier (paymentLink). A page that renders data from outside must not run
// script, must not be framed by another site, must not be sniffed into another type, and must not
// leak its URL (the cashier's carries the order's token) in a Referer.
import { expect, test } from '@vexora-checkout/testing';
import { buildCheckoutBody } from '../../sandbox/test/support/build-checkout-body.js';
import { startTestSandbox } from '../../sandbox/test/support/start-test-sandbox.js';
import { startTestApi } from './start-test-api.js';
import { cspDirectives } from './csp-directives.js';

/** CSP: nothing loads unless allowed, no script at all, no framing, no <base> hijack. */
function expectLockedDownPolicy(headers: Headers, what: string) {
  expect(headers.get('content-type'), what).toMatch(/^text\/html/);
  const policy = cspDirectives(headers.get('content-security-policy'));
  expect(policy.get('default-src'), what).toEqual(["'none'"]);
  // No script-src: scripts fall back to default-src 'none'.
  expect(policy.has('script-src'), what).toBe(false);
  expect(policy.get('frame-ancestors'), what).toEqual(["'none'"]);
  expect(policy.get('base-uri'), what).toEqual(["'none'"]);
  expect([...policy.values()].flat(), what).not.toContain("'unsafe-eval'");
}

test('the api reference page (/docs) sends a locked-down CSP, nosniff and a referrer policy', async ({
  databaseUrl,
}) => {
  const api = await startTestApi(databaseUrl);
  try {
    const response = await fetch(`${api.url}/docs`);
    expect(response.status).toBe(200);
    expectLockedDownPolicy(response.headers, '/docs');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-powered-by')).toBeNull();
  } finally {
    await api.close();
  }
});

test('the sandbox cashier page, found or not, sends a CSP that runs no script and forbids framing, nosniff and no referrer', async () => {
  const sandbox = await startTestSandbox();
  try {
    const { body } = await sandbox.call('/v1/vexora/checkout', buildCheckoutBody());
    const paymentLink = body.data?.paymentLink;
    expect(paymentLink).toMatch(/\/pay\?token=/);
    for (const [url, status] of [
      [paymentLink!, 200],
      [`${sandbox.url}/pay?token=nope`, 404],
    ] as const) {
      const response = await fetch(url);
      expect(response.status, url).toBe(status);
      expectLockedDownPolicy(response.headers, url);
      expect(response.headers.get('x-content-type-options'), url).toBe('nosniff');
      expect(response.headers.get('referrer-policy'), url).toBe('no-referrer');
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
  } finally {
    await sandbox.stop();
  }
});
