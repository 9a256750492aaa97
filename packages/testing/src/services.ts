// Entry point for code that runs outside test files (vitest globalSetup, scripts): provisioning
// and database management only. It must not import vitest's runner, which exists only inside
// test files.
export {
  provisionTestServices,
  type ProvisionedServices,
  type ProvisionOptions,
  type TestServicesSource,
} from './provision-test-services.js';
export { createDatabase, dropDatabase, uniqueDatabaseName, withDatabase } from './manage-databases.js';
// Loads the ProvidedContext augmentation, so `project.provide('testServices', …)` type-checks.
export type { TestServices } from './test-services-context.js';
