import { ConfigError } from '@vexora-checkout/runtime';
import { describe, expect, test } from 'vitest';
import { DEFAULT_MAX_ORDERS, loadSandboxConfig } from './env.js';

function issuesOf(source: Record<string, string>): readonly string[] {
  try {
    loadSandboxConfig(source);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadSandboxConfig', () => {
  test('has defaults for everything: port 4100, the development merchants, a random seed', () => {
    const config = loadSandboxConfig({});
    expect(config).toMatchObject({
      SANDBOX_HOST: '127.0.0.1',
      SANDBOX_PORT: 4100,
      SANDBOX_MAX_ORDERS: DEFAULT_MAX_ORDERS,
      SANDBOX_NOTIFY_TIME_SCALE: 1,
      SANDBOX_NOTIFY_TIMEOUT_MS: 10_000,
      usingDefaultAccounts: true,
      scenario: { autoSettle: null, faults: { http500: 0 } },
    });
    expect(config.accounts.map((account) => [account.merchantNo, account.currencies])).toEqual([
      ['SANDBOX0001', ['USD']],
      ['SANDBOX0002', ['KHR']],
    ]);
    expect(config.SANDBOX_PUBLIC_URL).toBeUndefined();
    expect(Number.isInteger(config.seed)).toBe(true);
  });

  test('reads every setting', () => {
    const config = loadSandboxConfig({
      SANDBOX_PUBLIC_URL: 'https://sandbox.example/',
      SANDBOX_MAX_ORDERS: '50',
      SANDBOX_NOTIFY_TIME_SCALE: '0.001',
      SANDBOX_NOTIFY_TIMEOUT_MS: '2500',
      SANDBOX_SEED: '42',
      SANDBOX_SCENARIO: '{"latencyMs":{"minMs":5,"maxMs":10}}',
      VEXORA_ACCOUNTS: JSON.stringify([{ merchantNo: 'M1', appSecret: 'secret-one', currencies: ['KHR'] }]),
    });
    expect(config).toMatchObject({
      SANDBOX_PUBLIC_URL: 'https://sandbox.example',
      SANDBOX_MAX_ORDERS: 50,
      SANDBOX_NOTIFY_TIME_SCALE: 0.001,
      SANDBOX_NOTIFY_TIMEOUT_MS: 2500,
      seed: 42,
      usingDefaultAccounts: false,
      scenario: { latencyMs: { minMs: 5, maxMs: 10 } },
      accounts: [{ merchantNo: 'M1', appSecret: 'secret-one', currencies: ['KHR'] }],
    });
  });

  test('lists every bad variable at once, the scenario and the accounts included', () => {
    expect(
      issuesOf({
        SANDBOX_PORT: 'x',
        SANDBOX_PUBLIC_URL: 'ftp://nowhere',
        SANDBOX_MAX_ORDERS: '0',
        SANDBOX_NOTIFY_TIME_SCALE: '0',
        SANDBOX_SEED: '-1',
        SANDBOX_SCENARIO: '{"faults":{"http500":"often"}}',
        VEXORA_MERCHANT_NO: 'M1',
      }),
    ).toEqual([
      'SANDBOX_PORT: must be a port number',
      'SANDBOX_PUBLIC_URL: must be an http(s) URL, e.g. http://127.0.0.1:4100',
      'SANDBOX_MAX_ORDERS: must be at least 1',
      'SANDBOX_NOTIFY_TIME_SCALE: must be greater than 0',
      'SANDBOX_SEED: must be between 0 and 4294967295',
      expect.stringMatching(/^VEXORA_APP_SECRET: /) as string,
      'SANDBOX_SCENARIO: faults.http500: must be a number between 0 and 1',
    ]);
    expect(issuesOf({ SANDBOX_SCENARIO: 'faults' })).toEqual([
      'SANDBOX_SCENARIO: must be JSON, e.g. {"faults":{"http500":0.1}}',
    ]);
  });
});
