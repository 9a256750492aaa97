import { readFileSync } from 'node:fs';

/**
 * The version in apps/api/package.json. Read from the file (two levels up from this module both
 * in src/openapi and in dist/openapi) rather than imported: a JSON import would pull the manifest
 * into the compiled output's root directory.
 */
export function readApiVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    name?: unknown;
    version?: unknown;
  };
  if (manifest.name !== '@vexora-checkout/api' || typeof manifest.version !== 'string') {
    throw new Error('readApiVersion: ../../package.json is not the api package manifest');
  }
  return manifest.version;
}
