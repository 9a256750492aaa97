import type { JsonSchema } from './openapi-document.js';

/**
 * Adds documentation keywords to properties of a generated schema, addressed by dotted path
 * (`amount`, `payer.mobile`; `''` for the schema itself). The schemas it annotates come from zod
 * schemas owned elsewhere (packages/contracts): a path that no longer exists throws, so renaming a
 * field cannot silently leave its documentation behind.
 */
export function annotateSchema(schema: JsonSchema, annotations: Record<string, JsonSchema>): JsonSchema {
  const copy = structuredClone(schema);
  for (const [path, keywords] of Object.entries(annotations)) {
    let target: JsonSchema | undefined = copy;
    for (const name of path === '' ? [] : path.split('.')) target = target?.properties?.[name];
    if (!target) throw new Error(`annotateSchema: the schema has no property "${path}"`);
    Object.assign(target, keywords);
  }
  return copy;
}
