import type { CreateCheckoutInput } from '@vexora-checkout/client';
import { createCheckoutBodySchema } from '@vexora-checkout/contracts';
import { deriveIdempotencyKey } from './derive-idempotency-key.js';
import { ORDER_FIELDS, type OrderRow } from './read-order-rows.js';

export type CheckoutItem =
  | { ok: true; line: number; orderId: string; idempotencyKey: string; checkout: CreateCheckoutInput }
  | { ok: false; line: number; orderId: string | null; error: string };

const PAYER_FIELDS = ['firstName', 'lastName', 'mobile', 'email'] as const;
const OPTIONAL_FIELDS = ['channelCode', 'wayCode', 'returnUrl', 'remark'] as const;
// NDJSON may also give the payer as one object, as the API does.
const ACCEPTED_FIELDS = new Set<string>([...ORDER_FIELDS, 'payer']);

/**
 * An order row as the batch item the API will get, validated by the API's own schema first, so
 * a bad row is reported with its line and every reason, and never sent. The checkout is built
 * from the row alone, in a fixed shape: the same row always makes the same request, which the
 * API needs to replay it on a rerun (its idempotency check compares request fingerprints).
 */
export function buildCheckoutItem(row: OrderRow, keyPrefix: string): CheckoutItem {
  const rawOrderId = row.fields.orderId;
  const orderId =
    typeof rawOrderId === 'string'
      ? rawOrderId.trim()
      : typeof rawOrderId === 'number' && Number.isSafeInteger(rawOrderId)
        ? String(rawOrderId)
        : '';
  const fail = (error: string): CheckoutItem => ({
    ok: false,
    line: row.line,
    orderId: orderId === '' ? null : orderId,
    error,
  });
  if (row.error) return fail(row.error);
  if (orderId === '') return fail('orderId: is required (a string or an integer)');

  const unknown = Object.keys(row.fields).filter((name) => !ACCEPTED_FIELDS.has(name));
  if (unknown.length > 0) return fail(`unknown field(s): ${unknown.join(', ')}`);
  const flatPayer = PAYER_FIELDS.filter((name) => row.fields[name] !== undefined);
  if (row.fields.payer !== undefined && flatPayer.length > 0) {
    return fail(`give the payer either as payer or as ${PAYER_FIELDS.join('/')}, not both`);
  }

  const key = deriveIdempotencyKey(keyPrefix, orderId);
  if (!key.ok) return fail(key.message);

  const checkout: Record<string, unknown> = {
    amount: row.fields.amount,
    currency: row.fields.currency,
    payer: row.fields.payer ?? Object.fromEntries(PAYER_FIELDS.map((name) => [name, row.fields[name]])),
    merchantReference: row.fields.merchantReference ?? orderId,
  };
  for (const name of OPTIONAL_FIELDS) if (row.fields[name] !== undefined) checkout[name] = row.fields[name];

  const parsed = createCheckoutBodySchema.safeParse(checkout);
  if (!parsed.success) {
    return fail(
      parsed.error.issues
        .map((issue) => `${issue.path.map(String).join('.') || '(row)'}: ${issue.message}`)
        .join('; '),
    );
  }
  // Sent as read, not as parsed: the API normalises (mobile numbers, amounts) itself.
  return {
    ok: true,
    line: row.line,
    orderId,
    idempotencyKey: key.key,
    checkout: checkout as CreateCheckoutInput,
  };
}
