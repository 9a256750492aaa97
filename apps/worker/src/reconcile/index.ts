export {
  applyGatewayStatus,
  GATEWAY_FINAL_STATES,
  MAX_SUPERSEDING_GENERATION,
  YIELDING_STATES,
  type ApplyOutcome,
  type ApplyResult,
  type GatewayStatusReport,
} from './apply-gateway-status.js';
export { countOpenExceptions } from './count-open-exceptions.js';
export { matchTradeNo, type TradeNoMatch } from './match-trade-no.js';
export { createReconcileMetrics, type ReconcileMetrics } from './reconcile-metrics.js';
export {
  InconclusiveProofError,
  judgeClaim,
  reconcileNotification,
  type NotificationOutcome,
  type ReconcileDeps,
  type ReconcileResult,
} from './reconcile-notification.js';
export { createReconcileProcessor, createReconcileQueue, RECONCILE_QUEUE } from './reconcile-queue.js';
export {
  EXCEPTION_KINDS,
  recordException,
  type ExceptionKind,
  type ExceptionRecord,
} from './record-exception.js';
