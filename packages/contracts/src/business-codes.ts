/**
 * What a response's business `code` says about the request (not the order: a "0000" only means
 * the request was accepted; the order's state is `data.status`).
 */
export type BusinessOutcome = 'accepted' | 'retryable' | 'rejected';

export interface BusinessCodeInfo {
  outcome: BusinessOutcome;
  description: string;
}

export const BUSINESS_CODES = {
  /** Request accepted: read `data.status` for the order. */
  '0000': { outcome: 'accepted', description: 'request accepted' },
  /** System exception on Vexora's side: the same request may be sent again. */
  '5000': { outcome: 'retryable', description: 'gateway system exception' },
  /** Request refused (invalid field, duplicate tradeNo, bad signature…): sending it again cannot help. */
  '8000': { outcome: 'rejected', description: 'request failed' },
} as const satisfies Record<string, BusinessCodeInfo>;

export type KnownBusinessCode = keyof typeof BUSINESS_CODES;

export interface ClassifiedBusinessCode extends BusinessCodeInfo {
  code: string;
  known: boolean;
}

/**
 * Unknown codes are not retried (by the contract: only HTTP 5xx and network failures are), and
 * stay visible as `known: false` with the raw code.
 */
export function classifyBusinessCode(code: string): ClassifiedBusinessCode {
  const info: BusinessCodeInfo | undefined = (BUSINESS_CODES as Record<string, BusinessCodeInfo>)[code];
  if (info) return { code, known: true, ...info };
  return { code, known: false, outcome: 'rejected', description: `unknown business code ${code}` };
}
