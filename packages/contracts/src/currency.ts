import { z } from 'zod';

/** Currencies Vexora settles in Cambodia: riel and US dollar. */
export const CURRENCIES = ['KHR', 'USD'] as const;
export type Currency = (typeof CURRENCIES)[number];

export const currencySchema = z.enum(CURRENCIES, { error: 'must be "KHR" or "USD"' });

/** ISO 4217 numeric codes, as KHQR (EMVCo tag 53) writes them. */
export const CURRENCY_NUMERIC_CODE: Record<Currency, string> = { KHR: '116', USD: '840' };

/** Decimal places an amount may carry: riel in whole units, dollars in cents. */
export const CURRENCY_DECIMALS: Record<Currency, number> = { KHR: 0, USD: 2 };
