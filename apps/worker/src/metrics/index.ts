export {
  createWorkerMetrics,
  QUEUE_STATES,
  type MetricsLogger,
  type QueueDepthSource,
  type WorkerMetrics,
  type WorkerMetricsOptions,
} from './create-worker-metrics.js';
export { createMetricsPool, endMetricsPool } from './create-metrics-pool.js';
export { measureGateway } from './measure-gateway.js';
export { serveMetrics } from './serve-metrics.js';
