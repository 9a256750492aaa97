export { runCli, defaultResultsPath, type CliIo } from './run-cli.js';
export { EXIT } from './exit-codes.js';
export { runBulkCreate, type BulkCreateOptions, type BulkCreateReport } from './run-bulk-create.js';
export { runBulkStatus, type BulkStatusOptions, type BulkStatusReport } from './run-bulk-status.js';
export { deriveIdempotencyKey } from './derive-idempotency-key.js';
