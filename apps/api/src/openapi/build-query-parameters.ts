import type { z } from 'zod';
import { convertZodSchema } from './convert-zod-schema.js';
import type { Parameter } from './openapi-document.js';

type ParameterDoc = Omit<Parameter, 'name' | 'in' | 'schema' | 'required'> & {
  description: string;
  /** Replaces the generated schema where JSON Schema can say more than zod's input type does. */
  schema?: Parameter['schema'];
};

/**
 * Query parameters from the zod schema the router validates with: names, types, constraints,
 * defaults and required-ness are generated; only descriptions are written here, and the type
 * demands one for every field, so a new query field cannot go undocumented.
 */
export function buildQueryParameters<Shape extends z.ZodRawShape>(
  schema: z.ZodObject<Shape>,
  docs: { [Name in keyof Shape & string]: ParameterDoc },
): Parameter[] {
  const json = convertZodSchema(schema, 'input');
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const doc = (docs as Record<string, ParameterDoc | undefined>)[name];
    if (!doc) throw new Error(`buildQueryParameters: no documentation for query parameter "${name}"`);
    return {
      name,
      in: 'query',
      required: json.required?.includes(name) ?? false,
      ...doc,
      schema: doc.schema ?? property,
    };
  });
}
