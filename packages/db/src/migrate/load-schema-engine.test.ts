import { expect, test } from 'vitest';
import { loadSchemaEngine, takeSchemaEnginePanicMessage } from './load-schema-engine.js';

test('instantiates the WebAssembly engine once and hands out the same module', async () => {
  const [first, second] = await Promise.all([loadSchemaEngine(), loadSchemaEngine()]);

  expect(second).toBe(first);
  expect(await loadSchemaEngine()).toBe(first);
  // The git hash of the prisma-engines build: proves the wasm is live behind the glue.
  expect(first.version()).toMatch(/^[0-9a-f]{40}$/);
  expect(typeof first.SchemaEngine.new).toBe('function');
});

test('installs a panic registry whose last message can be taken once', async () => {
  await loadSchemaEngine();
  const registry = (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(message: string): void } })
    .PRISMA_WASM_PANIC_REGISTRY;

  registry?.set_message('panicked at engine.rs:1');

  expect(takeSchemaEnginePanicMessage()).toBe('panicked at engine.rs:1');
  expect(takeSchemaEnginePanicMessage()).toBeUndefined();
});
