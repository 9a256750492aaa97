import { z } from 'zod';
import { currencySchema, type Currency } from './currency.js';

/**
 * A Vexora merchant account: the `merchantNo` header and the app secret that signs for it.
 *
 * Assumption (the contract does not say how Vexora knows an order's currency, since the checkout
 * request carries none): each merchant number settles in one currency, as merchant accounts
 * usually do, so the currency belongs to the account. An intent in USD goes through a USD
 * account. If Vexora's appendix says otherwise, this is the one place to change.
 */
export interface VexoraAccount {
  merchantNo: string;
  appSecret: string;
  currency: Currency;
}

const accountSchema = z.strictObject({
  merchantNo: z.string().trim().min(1, 'merchantNo is required'),
  appSecret: z.string().min(8, 'appSecret must be at least 8 characters'),
  currency: currencySchema,
});

/**
 * Development accounts, used by the sandbox gateway and the apps when no account is configured,
 * so that `npm start` works with no configuration. They only ever sign requests to the sandbox.
 */
export const DEFAULT_SANDBOX_ACCOUNTS: readonly VexoraAccount[] = [
  { merchantNo: 'SANDBOX0001', appSecret: 'sandbox-app-secret', currency: 'USD' },
  { merchantNo: 'SANDBOX0002', appSecret: 'sandbox-app-secret', currency: 'KHR' },
];

export type VexoraAccountsResult =
  { ok: true; accounts: VexoraAccount[]; usingDefaults: boolean } | { ok: false; issues: string[] };

/**
 * Reads the merchant accounts from the environment names every app shares:
 * - `VEXORA_ACCOUNTS`: a JSON array of `{ "merchantNo", "appSecret", "currency" }`, or
 * - `VEXORA_MERCHANT_NO` + `VEXORA_APP_SECRET` (+ `VEXORA_CURRENCY`, default USD) for one account;
 * - neither: the development defaults (`usingDefaults: true`, which callers should log).
 */
export function parseVexoraAccounts(
  source: Readonly<Record<string, string | undefined>>,
): VexoraAccountsResult {
  const { VEXORA_ACCOUNTS: list, VEXORA_MERCHANT_NO: merchantNo, VEXORA_APP_SECRET: appSecret } = source;
  const currency = source.VEXORA_CURRENCY;
  if (list !== undefined && (merchantNo !== undefined || appSecret !== undefined)) {
    return {
      ok: false,
      issues: ['VEXORA_ACCOUNTS: set it, or VEXORA_MERCHANT_NO and VEXORA_APP_SECRET, not both'],
    };
  }
  if (list !== undefined) {
    let raw: unknown;
    try {
      raw = JSON.parse(list);
    } catch {
      return {
        ok: false,
        issues: ['VEXORA_ACCOUNTS: must be a JSON array of {"merchantNo","appSecret","currency"}'],
      };
    }
    const parsed = z
      .array(accountSchema)
      .min(1, 'must list at least one account')
      .refine(
        (accounts) => new Set(accounts.map((a) => a.merchantNo)).size === accounts.length,
        'merchantNo values must be unique',
      )
      .safeParse(raw);
    if (!parsed.success) {
      return {
        ok: false,
        issues: parsed.error.issues.map(
          (issue) => `VEXORA_ACCOUNTS${issue.path.map((p) => `[${String(p)}]`).join('')}: ${issue.message}`,
        ),
      };
    }
    return { ok: true, accounts: parsed.data, usingDefaults: false };
  }
  if (merchantNo === undefined && appSecret === undefined) {
    return {
      ok: true,
      accounts: DEFAULT_SANDBOX_ACCOUNTS.map((account) => ({ ...account })),
      usingDefaults: true,
    };
  }
  const single = accountSchema.safeParse({ merchantNo, appSecret, currency: currency ?? 'USD' });
  if (!single.success) {
    return {
      ok: false,
      issues: single.error.issues.map((issue) => {
        const field = String(issue.path[0]);
        const name =
          field === 'merchantNo'
            ? 'VEXORA_MERCHANT_NO'
            : field === 'appSecret'
              ? 'VEXORA_APP_SECRET'
              : 'VEXORA_CURRENCY';
        return `${name}: ${issue.message}`;
      }),
    };
  }
  return { ok: true, accounts: [single.data], usingDefaults: false };
}
