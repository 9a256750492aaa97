import { z } from 'zod';
import type { JsonSchema } from './openapi-document.js';

/** One zod schema as an inline JSON Schema (parameters, headers), through zod's own converter. */
export function convertZodSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
  }) as JsonSchema;
  return rest;
}
