/**
 * What an order's status code (`data.status` in checkout and query answers, `status` in
 * notifications) means. Codes not in the table are errors by the contract's rule ("anything else:
 * error, final") but are kept raw and flagged `known: false`, never guessed at.
 */
export type GatewayOutcome = 'paid' | 'partially_paid' | 'processing' | 'failed';

export interface GatewayStatusInfo {
  outcome: GatewayOutcome;
  /** A final status never changes again at Vexora. */
  final: boolean;
  description: string;
}

export const GATEWAY_STATUSES = {
  /** Paid in full. */
  '0000': { outcome: 'paid', final: true, description: 'success: paid' },
  /** Paid in part; the notification's or query's `amount` is what was paid. Needs review. */
  '0001': { outcome: 'partially_paid', final: true, description: 'partial payment' },
  /** Order created, waiting for the payer. */
  '0015': { outcome: 'processing', final: false, description: 'processing: waiting for payment' },
  /** Payment failed (seen in query examples). */
  '00029': { outcome: 'failed', final: true, description: 'failed' },
} as const satisfies Record<string, GatewayStatusInfo>;

export type KnownGatewayStatus = keyof typeof GATEWAY_STATUSES;

export interface ClassifiedGatewayStatus extends GatewayStatusInfo {
  /** The raw code, exactly as received. */
  code: string;
  known: boolean;
}

export function classifyGatewayStatus(code: string): ClassifiedGatewayStatus {
  const info: GatewayStatusInfo | undefined = (GATEWAY_STATUSES as Record<string, GatewayStatusInfo>)[code];
  if (info) return { code, known: true, ...info };
  return {
    code,
    known: false,
    outcome: 'failed',
    final: true,
    description: `unknown status code ${code}: an error`,
  };
}
