import type { JsonSchema } from './openapi-document.js';

/**
 * Checks a value against a JSON Schema (draft 2020-12), for the keywords this API's document
 * uses: `$ref` to `#/components/schemas/…`, type, enum, const, properties, required,
 * additionalProperties, propertyNames, items, anyOf, oneOf, allOf, length, range and item-count
 * bounds, pattern. `format` is an annotation in 2020-12 and is not checked. Returns every
 * violation as `path: reason`; an empty list means valid.
 *
 * Written here for the tests (the document is tested against real requests and responses) rather
 * than taken from a package: the subset is small and a dependency would serve tests only.
 */
export function validateJsonSchema(
  schema: JsonSchema,
  value: unknown,
  schemas: Record<string, JsonSchema> = {},
  path = '$',
): string[] {
  if (schema.$ref !== undefined) {
    const name = /^#\/components\/schemas\/(.+)$/.exec(schema.$ref)?.[1];
    const target = name === undefined ? undefined : schemas[name];
    if (!target) return [`${path}: unresolvable $ref ${schema.$ref}`];
    return validateJsonSchema(target, value, schemas, path);
  }
  const errors: string[] = [];
  const fail = (reason: string) => errors.push(`${path}: ${reason}`);

  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((type) => hasType(value, type))) fail(`must be ${types.join(' or ')}`);
  }
  if (schema.enum && !schema.enum.some((option) => deepEqual(option, value))) {
    fail(`must be one of ${JSON.stringify(schema.enum)}`);
  }
  if ('const' in schema && !deepEqual(schema.const, value)) fail(`must be ${JSON.stringify(schema.const)}`);

  if (typeof value === 'string') {
    // JSON Schema counts characters (code points), not UTF-16 units.
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength) fail(`shorter than ${schema.minLength}`);
    if (schema.maxLength !== undefined && length > schema.maxLength) fail(`longer than ${schema.maxLength}`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) {
      fail(`does not match ${schema.pattern}`);
    }
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) fail(`below ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) fail(`above ${schema.maximum}`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) {
      fail(`not above ${schema.exclusiveMinimum}`);
    }
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) {
      fail(`not below ${schema.exclusiveMaximum}`);
    }
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      fail(`fewer than ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      fail(`more than ${schema.maxItems} items`);
    const items = schema.items;
    if (items)
      value.forEach((item, index) =>
        errors.push(...validateJsonSchema(items, item, schemas, `${path}[${index}]`)),
      );
  }
  if (isObject(value)) {
    for (const name of schema.required ?? []) if (!(name in value)) fail(`missing required "${name}"`);
    for (const [name, field] of Object.entries(value)) {
      const property = schema.properties?.[name];
      if (property) {
        errors.push(...validateJsonSchema(property, field, schemas, `${path}.${name}`));
      } else if (schema.additionalProperties === false) {
        fail(`unknown property "${name}"`);
      } else if (typeof schema.additionalProperties === 'object') {
        errors.push(...validateJsonSchema(schema.additionalProperties, field, schemas, `${path}.${name}`));
      }
      if (schema.propertyNames)
        errors.push(...validateJsonSchema(schema.propertyNames, name, schemas, `${path}{${name}}`));
    }
  }

  for (const part of schema.allOf ?? []) errors.push(...validateJsonSchema(part, value, schemas, path));
  if (
    schema.anyOf &&
    !schema.anyOf.some((part) => validateJsonSchema(part, value, schemas, path).length === 0)
  ) {
    fail('matches none of anyOf');
  }
  if (schema.oneOf) {
    const matches = schema.oneOf.filter(
      (part) => validateJsonSchema(part, value, schemas, path).length === 0,
    );
    if (matches.length !== 1) fail(`matches ${matches.length} of oneOf, not exactly 1`);
  }
  return errors;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    default:
      return false;
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => deepEqual(item, b[index]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length && keys.every((key) => key in b && deepEqual(a[key], b[key]))
    );
  }
  return false;
}
