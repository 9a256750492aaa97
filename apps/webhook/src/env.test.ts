import { ConfigError } from '@vexora-checkout/runtime';
import { describe, expect, test } from 'vitest';
import { loadWebhookConfig } from './env.js';

describe('loadWebhookConfig', () => {
  test('works with no configuration at all (development defaults)', () => {
    const config = loadWebhookConfig({});
    expect(config).toMatchObject({
      WEBHOOK_PORT: 4200,
      WEBHOOK_NOTIFY_PATH: '/vexora/notify',
      WEBHOOK_BODY_LIMIT: 65_536,
      WEBHOOK_TRUST_PROXY: false,
      WEBHOOK_DATABASE_POOL_SIZE: 4,
      WEBHOOK_INSERT_CONCURRENCY: 2,
      BULLMQ_PREFIX: 'vexora',
      usingDefaultAccounts: true,
    });
    expect(config.WEBHOOK_ALLOWED_IPS).toBeUndefined();
    expect(config.accounts.map((account) => account.id)).toEqual(['sandbox-usd', 'sandbox-khr']);
  });

  test('reads sizes, allow-lists and proxies', () => {
    const config = loadWebhookConfig({
      WEBHOOK_BODY_LIMIT: '16kb',
      WEBHOOK_ALLOWED_IPS: '203.0.113.0/24, 2001:db8::/32',
      WEBHOOK_TRUST_PROXY: '1',
      VEXORA_MERCHANT_NO: 'M1',
      VEXORA_APP_SECRET: 'a-long-secret',
    });
    expect(config.WEBHOOK_BODY_LIMIT).toBe(16_384);
    expect(config.WEBHOOK_ALLOWED_IPS?.check('203.0.113.9', 'ipv4')).toBe(true);
    expect(config.WEBHOOK_ALLOWED_IPS?.check('198.51.100.1', 'ipv4')).toBe(false);
    expect(config.WEBHOOK_TRUST_PROXY).toBe(1);
    expect(config.accounts.map((account) => account.id)).toEqual(['m1']);
    expect(loadWebhookConfig({ WEBHOOK_BODY_LIMIT: '1mb' }).WEBHOOK_BODY_LIMIT).toBe(1_048_576);
  });

  test('lists every bad variable at once', () => {
    let error: unknown;
    try {
      loadWebhookConfig({
        WEBHOOK_BODY_LIMIT: 'big',
        WEBHOOK_NOTIFY_PATH: 'notify',
        WEBHOOK_ALLOWED_IPS: 'example.com',
        WEBHOOK_DATABASE_POOL_SIZE: '2',
        WEBHOOK_INSERT_CONCURRENCY: '2',
        VEXORA_APP_SECRET: 'only-half',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.join('\n');
    expect(issues).toContain('WEBHOOK_BODY_LIMIT');
    expect(issues).toContain('WEBHOOK_NOTIFY_PATH');
    expect(issues).toContain('WEBHOOK_ALLOWED_IPS: "example.com" is not an IPv4 or IPv6 address');
    expect(issues).toContain('VEXORA_MERCHANT_NO');
  });

  test('keeps a connection free for /health', () => {
    expect(() =>
      loadWebhookConfig({ WEBHOOK_DATABASE_POOL_SIZE: '2', WEBHOOK_INSERT_CONCURRENCY: '2' }),
    ).toThrow('WEBHOOK_INSERT_CONCURRENCY: must be less than WEBHOOK_DATABASE_POOL_SIZE');
  });
});
