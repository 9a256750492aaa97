import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';

/** The part of the wasm-bindgen glue module we drive. */
export interface SchemaEngineModule {
  SchemaEngine: typeof SchemaEngine;
  /** Git hash of the prisma-engines build the wasm was compiled from. */
  version(): string;
}

type WasmExports = Record<string, unknown>;

interface GlueModule extends SchemaEngineModule {
  __wbg_set_wasm(exports: WasmExports): void;
}

/** The slice of the WebAssembly global we use (the repo's `lib` has no DOM/wasm typings). */
interface WebAssemblyApi {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, unknown>,
  ): Promise<{ instance: { exports: WasmExports } }>;
}

const { WebAssembly: wasmApi } = globalThis as unknown as { WebAssembly: WebAssemblyApi };

interface EngineExports {
  __wbindgen_start(): void;
}

interface PanicRegistry {
  /** Where Prisma's own registry and ours keep the last message. */
  message?: string;
  set_message(message: string): void;
}

interface EngineHost {
  PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry;
  [INSTANCES]?: WeakMap<GlueModule, Promise<SchemaEngineModule>>;
}

const INSTANCES = Symbol.for('@vexora-checkout/db/schema-engine-instances');
const host = globalThis as EngineHost;
const require = createRequire(import.meta.url);

/**
 * Loads Prisma's WebAssembly schema engine (the one `prisma` itself ships, falling back to the
 * copy in `@prisma/schema-engine-wasm` if it does not link against the glue).
 *
 * The glue module keeps the wasm instance (and views of its memory) in module state: a second
 * instantiation would swap the memory under live engines. So there is one instance per glue
 * module, remembered on globalThis, because a test runner may evaluate this file again while
 * Node keeps the glue (an external dependency) loaded.
 */
export async function loadSchemaEngine(): Promise<SchemaEngineModule> {
  const glue = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as unknown as GlueModule;
  const instances = (host[INSTANCES] ??= new WeakMap());
  let loading = instances.get(glue);
  if (loading === undefined) {
    loading = instantiate(glue);
    instances.set(glue, loading);
    loading.catch(() => instances.delete(glue));
  }
  return loading;
}

/**
 * The message of the last Rust panic inside the engine, if any. A panic surfaces in JS as a bare
 * `RuntimeError: unreachable`; this is the only place its reason survives.
 */
export function takeSchemaEnginePanicMessage(): string | undefined {
  const registry = host.PRISMA_WASM_PANIC_REGISTRY;
  const message = registry?.message;
  if (registry !== undefined) registry.message = undefined;
  return message === '' ? undefined : message;
}

async function instantiate(glue: GlueModule): Promise<SchemaEngineModule> {
  // The Rust panic hook calls this registry; it must exist before the first engine call.
  host.PRISMA_WASM_PANIC_REGISTRY ??= {
    set_message(message: string) {
      this.message = message;
    },
  };
  const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const candidates = [
    path.join(path.dirname(require.resolve('prisma/package.json')), 'build', 'schema_engine_bg.wasm'),
    path.join(path.dirname(gluePath), 'schema_engine_bg.wasm'),
  ];
  const failures: string[] = [];
  for (const wasmPath of candidates) {
    let exports: WasmExports;
    try {
      const bytes = await readFile(wasmPath);
      ({
        instance: { exports },
      } = await wasmApi.instantiate(bytes, { './schema_engine_bg.js': glue }));
    } catch (error) {
      // A LinkError means this wasm was built against other glue: try the next copy.
      failures.push(`${wasmPath}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    glue.__wbg_set_wasm(exports);
    (exports as unknown as EngineExports).__wbindgen_start();
    return glue;
  }
  throw new Error(`Could not load Prisma's WebAssembly schema engine:\n${failures.join('\n')}`);
}
