import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { SchemaContainer } from '@prisma/schema-engine-wasm';

/**
 * Reads the Prisma schema: one `.prisma` file, or every `.prisma` file under a directory (Prisma's
 * multi-file schemas), in a stable order.
 */
export async function readSchemaFiles(schemaPath: string): Promise<SchemaContainer[]> {
  const resolved = path.resolve(schemaPath);
  const paths = (await stat(resolved)).isDirectory()
    ? (await readdir(resolved, { recursive: true }))
        .filter((name) => name.endsWith('.prisma'))
        .sort()
        .map((name) => path.join(resolved, name))
    : [resolved];
  if (paths.length === 0) {
    throw new Error(`No .prisma file found in ${resolved}.`);
  }
  return Promise.all(paths.map(async (file) => ({ path: file, content: await readFile(file, 'utf8') })));
}
