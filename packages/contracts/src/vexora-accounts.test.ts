import { describe, expect, it } from 'vitest';
import { DEFAULT_SANDBOX_ACCOUNTS, parseVexoraAccounts } from './vexora-accounts.js';

describe('parseVexoraAccounts', () => {
  it('falls back to one sandbox account per currency, and says so', () => {
    const result = parseVexoraAccounts({});
    expect(result).toEqual({ ok: true, accounts: DEFAULT_SANDBOX_ACCOUNTS, usingDefaults: true });
    expect(DEFAULT_SANDBOX_ACCOUNTS.map((account) => account.currencies)).toEqual([['USD'], ['KHR']]);
  });

  it('reads one account from VEXORA_MERCHANT_NO and VEXORA_APP_SECRET, with defaults', () => {
    expect(parseVexoraAccounts({ VEXORA_MERCHANT_NO: 'M1', VEXORA_APP_SECRET: 'a-long-secret' })).toEqual({
      ok: true,
      accounts: [
        {
          id: 'm1',
          merchantNo: 'M1',
          appSecret: 'a-long-secret',
          baseUrl: undefined,
          currencies: ['KHR', 'USD'],
          channelCode: 'KHQR',
          wayCode: 'KHQR',
          trustSignedNotifications: false,
        },
      ],
      usingDefaults: false,
    });
    expect(
      parseVexoraAccounts({
        VEXORA_MERCHANT_NO: 'M1',
        VEXORA_APP_SECRET: 'a-long-secret',
        VEXORA_BASE_URL: 'https://api.vexora.example',
        VEXORA_CURRENCIES: 'USD',
      }),
    ).toMatchObject({ ok: true, accounts: [{ baseUrl: 'https://api.vexora.example', currencies: ['USD'] }] });
  });

  it('reads a list from VEXORA_ACCOUNTS', () => {
    const accounts = [
      { id: 'shop-usd', merchantNo: 'M1', appSecret: 'secret-one', currencies: ['USD'], wayCode: 'ABA' },
      { merchantNo: 'M2', appSecret: 'secret-two', currencies: ['KHR'] },
    ];
    expect(parseVexoraAccounts({ VEXORA_ACCOUNTS: JSON.stringify(accounts) })).toMatchObject({
      ok: true,
      accounts: [
        { id: 'shop-usd', merchantNo: 'M1', currencies: ['USD'], channelCode: 'KHQR', wayCode: 'ABA' },
        { id: 'm2', merchantNo: 'M2', currencies: ['KHR'] },
      ],
    });
  });

  it('trusts signed notifications only for accounts that say so', () => {
    const accounts = [
      { id: 'trusting', merchantNo: 'M1', appSecret: 'secret-one', trustSignedNotifications: true },
      { id: 'checking', merchantNo: 'M2', appSecret: 'secret-two' },
    ];
    expect(parseVexoraAccounts({ VEXORA_ACCOUNTS: JSON.stringify(accounts) })).toMatchObject({
      ok: true,
      accounts: [
        { id: 'trusting', trustSignedNotifications: true },
        { id: 'checking', trustSignedNotifications: false },
      ],
    });
    expect(
      parseVexoraAccounts({
        VEXORA_ACCOUNTS: JSON.stringify([
          { merchantNo: 'M1', appSecret: 'secret-one', trustSignedNotifications: 'yes' },
        ]),
      }),
    ).toEqual({ ok: false, issues: ['VEXORA_ACCOUNTS[0][trustSignedNotifications]: must be true or false'] });
  });

  it('explains every mistake, naming the variable', () => {
    expect(parseVexoraAccounts({ VEXORA_MERCHANT_NO: 'M1' })).toEqual({
      ok: false,
      issues: [expect.stringMatching(/^VEXORA_APP_SECRET:/) as unknown],
    });
    expect(
      parseVexoraAccounts({
        VEXORA_MERCHANT_NO: 'M1',
        VEXORA_APP_SECRET: 'long-enough',
        VEXORA_CURRENCIES: 'EUR',
      }),
    ).toMatchObject({
      ok: false,
      issues: [expect.stringMatching(/^VEXORA_CURRENCIES: must be "KHR" or "USD"/)],
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
      { merchantNo: 'M1', appSecret: 'secret-one' },
      { merchantNo: 'M1', appSecret: 'secret-two', baseUrl: 'ftp://x' },
    ]);
    const result = parseVexoraAccounts({ VEXORA_ACCOUNTS: duplicate });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues).toEqual(['VEXORA_ACCOUNTS[1][baseUrl]: must be an http(s) URL']);
    const twice = parseVexoraAccounts({
      VEXORA_ACCOUNTS: JSON.stringify([
        { merchantNo: 'M1', appSecret: 'secret-one' },
        { merchantNo: 'M1', appSecret: 'secret-two' },
      ]),
    });
    expect(twice).toEqual({
      ok: false,
      issues: ['VEXORA_ACCOUNTS: id "m1" appears twice', 'VEXORA_ACCOUNTS: merchantNo "M1" appears twice'],
    });
  });
});
