import { z } from 'zod';
import type { JsonSchema } from './openapi-document.js';

/** Where the document keeps its schemas; every generated `$ref` points here. */
export const SCHEMA_REF_PREFIX = '#/components/schemas/';

/**
 * Named zod schemas as OpenAPI 3.1 component schemas (JSON Schema draft 2020-12), through zod's
 * own converter so the document states exactly what validation checks. A schema nested in another
 * becomes a `$ref` to its component. `io: 'input'` describes what a request may send (before
 * transforms and defaults), `'output'` what a response holds.
 */
export function convertZodSchemas(
  schemas: Record<string, z.ZodType>,
  io: 'input' | 'output',
): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const converted = z.toJSONSchema(registry, {
    io,
    target: 'draft-2020-12',
    uri: (id) => `${SCHEMA_REF_PREFIX}${id}`,
  });
  const components: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(converted.schemas)) {
    // `$schema` is implied by the document's dialect, and a `$id` would move the base URI that
    // `$ref`s resolve against: neither belongs in a component.
    const { $schema: _dialect, $id: _id, ...rest } = schema as JsonSchema;
    components[id] = rest;
  }
  return components;
}
