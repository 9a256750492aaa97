import { describe, expect, it } from 'vitest';
import { DEFAULT_SANDBOX_ACCOUNTS, parseVexoraAccounts } from './vexora-accounts.js';

describe('parseVexoraAccounts', () => {
  it('falls back to the sandbox accounts, and says so', () => {
    expect(parseVexoraAccounts({})).toEqual({
      ok: true,
      accounts: DEFAULT_SANDBOX_ACCOUNTS,
      usingDefaults: true,
    });
  });

  it('reads one account from VEXORA_MERCHANT_NO and VEXORA_APP_SECRET', () => {
    expect(
      parseVexoraAccounts({
        VEXORA_MERCHANT_NO: 'M1',
        VEXORA_APP_SECRET: 'a-long-secret',
        VEXORA_CURRENCY: 'KHR',
      }),
    ).toEqual({
      ok: true,
      accounts: [{ merchantNo: 'M1', appSecret: 'a-long-secret', currency: 'KHR' }],
      usingDefaults: false,
    });
  });

  it('reads a list from VEXORA_ACCOUNTS', () => {
    const accounts = [
      { merchantNo: 'M1', appSecret: 'secret-one', currency: 'USD' },
      { merchantNo: 'M2', appSecret: 'secret-two', currency: 'KHR' },
    ];
    expect(parseVexoraAccounts({ VEXORA_ACCOUNTS: JSON.stringify(accounts) })).toEqual({
      ok: true,
      accounts,
      usingDefaults: false,
    });
  });

  it('explains every mistake', () => {
    expect(parseVexoraAccounts({ VEXORA_MERCHANT_NO: 'M1' })).toEqual({
      ok: false,
      issues: [expect.stringMatching(/^VEXORA_APP_SECRET:/)],
    });
    expect(parseVexoraAccounts({ VEXORA_ACCOUNTS: '[', VEXORA_MERCHANT_NO: 'M1' })).toMatchObject({
      ok: false,
      issues: [expect.stringMatching(/not both/)],
    });
    expect(parseVexoraAccounts({ VEXORA_ACCOUNTS: '{oops' })).toMatchObject({
      ok: false,
      issues: [expect.stringMatching(/JSON array/)],
    });
    const duplicate = JSON.stringify([
      { merchantNo: 'M1', appSecret: 'secret-one', currency: 'USD' },
      { merchantNo: 'M1', appSecret: 'secret-two', currency: 'EUR' },
    ]);
    const result = parseVexoraAccounts({ VEXORA_ACCOUNTS: duplicate });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.issues.join('\n')).toMatch(/VEXORA_ACCOUNTS\[1\]\[currency\]: must be "KHR" or "USD"/);
  });
});
