import { queryRequestSchema, type QueryRequest, type VexoraAccount } from '@vexora-checkout/contracts';
import { checkSignature } from './check-signature.js';
import { describeSchemaIssues } from './describe-schema-issues.js';

export type QueryValidation = { ok: true; request: QueryRequest } | { ok: false; message: string };

/** Checks a query body: `tradeNo` and `timestamp` strings, nothing else, and the signature. */
export function validateQueryRequest(body: unknown, account: VexoraAccount): QueryValidation {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, message: 'the body must be a JSON object' };
  }
  const fields = body as Record<string, unknown>;
  const { sign: _sign, ...unsigned } = fields;
  const parsed = queryRequestSchema.safeParse(unsigned);
  if (!parsed.success) {
    const messages = describeSchemaIssues(parsed.error.issues, unsigned);
    if (typeof fields.sign !== 'string' || fields.sign === '') messages.push('sign is required');
    return { ok: false, message: messages.join('; ') };
  }
  const signature = checkSignature(fields, account.appSecret);
  if (signature) return { ok: false, message: signature };
  return { ok: true, request: parsed.data };
}
