export { test, expect, describe, type BullmqKit, type HarnessFixtures } from './test.js';
export type { TestServices } from './test-services-context.js';
export {
  provisionTestServices,
  type ProvisionedServices,
  type ProvisionOptions,
} from './provision-test-services.js';
export { createDatabase, dropDatabase, uniqueDatabaseName, withDatabase } from './manage-databases.js';
export { ResourceTracker, LeakError, type TrackedResource } from './track-resources.js';
