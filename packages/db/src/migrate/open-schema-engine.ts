import type { SchemaContainer, SchemaEngine } from '@prisma/schema-engine-wasm';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { createMigrationAdapter, type MigrationAdapterFactory } from './create-migration-adapter.js';
import { loadSchemaEngine } from './load-schema-engine.js';

export interface OpenSchemaEngineOptions {
  databaseUrl: string;
  /** The Prisma schema; the engine reads only its datasource (e.g. `schemas` for multiSchema). */
  schemaFiles?: SchemaContainer[];
  /** Receives the engine's tracing output (one JSON object per line). */
  onEngineLog?: (line: string) => void;
}

export interface SchemaEngineSession {
  readonly engine: SchemaEngine;
  readonly adapter: MigrationAdapterFactory;
  /** Frees the engine and ends every pool it opened. Safe to call twice. */
  close(): Promise<void>;
}

/** Starts a schema engine on the patched pg adapter. Always `close()` it (in `finally`). */
export async function openSchemaEngine(options: OpenSchemaEngineOptions): Promise<SchemaEngineSession> {
  const { SchemaEngine } = await loadSchemaEngine();
  const adapter = createMigrationAdapter(options.databaseUrl);
  const onEngineLog = options.onEngineLog ?? (() => undefined);
  let engine: SchemaEngine;
  try {
    engine = await SchemaEngine.new(
      { datamodels: options.schemaFiles?.map((file): [string, string] => [file.path, file.content]) },
      (line: string) => onEngineLog(line),
      bindMigrationAwareSqlAdapterFactory(adapter),
    );
  } catch (error) {
    await adapter.close();
    throw error;
  }
  let closed = false;
  return {
    engine,
    adapter,
    async close() {
      if (closed) return;
      closed = true;
      engine.free();
      await adapter.close();
    },
  };
}
