import { takeSchemaEnginePanicMessage } from './load-schema-engine.js';

/**
 * A one-paragraph message for an error thrown by the schema engine. Its messages end with a Rust
 * span trace (`   0: schema_engine_wasm::...`), noise for whoever reads the CLI output; a panic
 * arrives as a bare `RuntimeError: unreachable`, its reason kept aside by the panic registry.
 */
export function describeEngineError(error: unknown): string {
  // WebAssembly.RuntimeError: a trap, which is how a Rust panic ends.
  if (error instanceof Error && error.name === 'RuntimeError') {
    const panic = takeSchemaEnginePanicMessage();
    return `The schema engine crashed${panic === undefined ? '' : `: ${panic}`} (${error.message}).`;
  }
  const message = error instanceof Error ? error.message : String(error);
  const withoutTrace = message.split(/\n\s*0: /)[0] ?? message;
  return (
    withoutTrace
      // The adapter's generic prefix says nothing the next line does not.
      .replace(/^external connector error\n/, '')
      .trim()
  );
}
