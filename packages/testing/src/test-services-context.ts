import type {} from 'vitest';

/** What the integration global setup hands to every test file (through vitest provide/inject). */
export interface TestServices {
  source: string;
  adminDatabaseUrl: string;
  redisUrl: string;
  /** Name of the migrated database that each test file's database is cloned from. */
  templateDatabase: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    testServices: TestServices;
  }
}
