import { z } from 'zod';
import { CURRENCIES, currencySchema, type Currency } from './currency.js';

/**
 * A Vexora merchant account: the `merchantNo` header and the app secret that signs for it, where
 * to reach Vexora for it, which currencies it takes, and the channel and way codes used when an
 * intent names none.
 */
export interface VexoraAccount {
  /** Our own name for the account (API keys are scoped to account ids). */
  id: string;
  merchantNo: string;
  appSecret: string;
  /** Gateway base URL for this account; undefined means the deployment's default. */
  baseUrl: string | undefined;
  /**
   * Currencies the account takes. The checkout request carries no currency, so Vexora must know
   * it from the account (and, we assume, from the channel where an account takes several); which
   * account an intent uses is decided by its currency.
   */
  currencies: Currency[];
  channelCode: string;
  wayCode: string;
  /** Calls per second to Vexora for this account; unset means the deployment's default. */
  requestsPerSecond?: number;
  /**
   * Whether a notification whose `sign` verifies with this account's secret is proof enough to
   * apply its claim without asking the Query API. Off by default: the signing rule for
   * notifications is an assumption (the published page is cut off), so until it is confirmed
   * every claim is checked through the Query API. Unsigned notifications are always checked.
   */
  trustSignedNotifications?: boolean;
}

const accountSchema = z.strictObject({
  id: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'must be 1-32 lowercase letters, digits, "-" or "_"')
    .optional(),
  merchantNo: z.string().trim().min(1, 'is required'),
  appSecret: z.string().min(8, 'must be at least 8 characters'),
  baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  currencies: z
    .array(currencySchema)
    .min(1, 'must list at least one currency')
    .default([...CURRENCIES]),
  channelCode: z.string().trim().min(1).default('KHQR'),
  wayCode: z.string().trim().min(1).default('KHQR'),
  requestsPerSecond: z.number().positive('must be positive').max(10_000, 'must be at most 10000').optional(),
  trustSignedNotifications: z.boolean({ error: 'must be true or false' }).default(false),
});

/**
 * Development accounts, used by the sandbox gateway and the apps when no account is configured,
 * so that `npm start` works with no configuration. They only ever sign requests to the sandbox.
 * One per currency, so the sandbox knows each order's currency without guessing.
 */
export const DEFAULT_SANDBOX_ACCOUNTS: readonly VexoraAccount[] = [
  {
    id: 'sandbox-usd',
    merchantNo: 'SANDBOX0001',
    appSecret: 'sandbox-app-secret',
    baseUrl: undefined,
    currencies: ['USD'],
    channelCode: 'KHQR',
    wayCode: 'KHQR',
  },
  {
    id: 'sandbox-khr',
    merchantNo: 'SANDBOX0002',
    appSecret: 'sandbox-app-secret',
    baseUrl: undefined,
    currencies: ['KHR'],
    channelCode: 'KHQR',
    wayCode: 'KHQR',
  },
];

export type VexoraAccountsResult =
  { ok: true; accounts: VexoraAccount[]; usingDefaults: boolean } | { ok: false; issues: string[] };

const SINGLE_ACCOUNT_NAMES: Record<string, string> = {
  merchantNo: 'VEXORA_MERCHANT_NO',
  appSecret: 'VEXORA_APP_SECRET',
  baseUrl: 'VEXORA_BASE_URL',
  currencies: 'VEXORA_CURRENCIES',
};

/**
 * Reads the merchant accounts from the environment names every app shares:
 * - `VEXORA_ACCOUNTS`: a JSON array of `{ id?, merchantNo, appSecret, baseUrl?, currencies?,
 *   channelCode?, wayCode?, requestsPerSecond?, trustSignedNotifications? }` (ids default to the
 *   merchant number, lowercased; `trustSignedNotifications` defaults to false);
 * - or one account from `VEXORA_MERCHANT_NO` + `VEXORA_APP_SECRET` (+ `VEXORA_BASE_URL`,
 *   `VEXORA_CURRENCIES` as "USD,KHR");
 * - neither: the development defaults (`usingDefaults: true`, which callers should log).
 */
export function parseVexoraAccounts(
  source: Readonly<Record<string, string | undefined>>,
): VexoraAccountsResult {
  const { VEXORA_ACCOUNTS: list, VEXORA_MERCHANT_NO: merchantNo, VEXORA_APP_SECRET: appSecret } = source;
  if (list !== undefined && (merchantNo !== undefined || appSecret !== undefined)) {
    return {
      ok: false,
      issues: ['VEXORA_ACCOUNTS: set it, or VEXORA_MERCHANT_NO and VEXORA_APP_SECRET, not both'],
    };
  }
  if (list === undefined && merchantNo === undefined && appSecret === undefined) {
    return {
      ok: true,
      accounts: DEFAULT_SANDBOX_ACCOUNTS.map((account) => ({ ...account })),
      usingDefaults: true,
    };
  }

  let raw: unknown;
  let describePath: (path: PropertyKey[]) => string;
  if (list !== undefined) {
    try {
      raw = JSON.parse(list);
    } catch {
      return {
        ok: false,
        issues: ['VEXORA_ACCOUNTS: must be a JSON array of accounts ({"merchantNo","appSecret",…})'],
      };
    }
    describePath = (path) => `VEXORA_ACCOUNTS${path.map((part) => `[${String(part)}]`).join('')}`;
  } else {
    const currencies = source.VEXORA_CURRENCIES?.split(',').map((currency) => currency.trim());
    raw = [{ merchantNo, appSecret, baseUrl: source.VEXORA_BASE_URL, currencies }];
    describePath = (path) => SINGLE_ACCOUNT_NAMES[String(path[1])] ?? 'VEXORA_MERCHANT_NO';
  }

  const parsed = z.array(accountSchema).min(1, 'must list at least one account').safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => `${describePath(issue.path)}: ${issue.message}`),
    };
  }
  const accounts: VexoraAccount[] = parsed.data.map((account) => ({
    ...account,
    id: account.id ?? account.merchantNo.toLowerCase(),
    baseUrl: account.baseUrl,
  }));
  const issues: string[] = [];
  for (const key of ['id', 'merchantNo'] as const) {
    const seen = new Set<string>();
    for (const account of accounts) {
      if (seen.has(account[key])) issues.push(`VEXORA_ACCOUNTS: ${key} "${account[key]}" appears twice`);
      seen.add(account[key]);
    }
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, accounts, usingDefaults: false };
}
