import { SCHEMA_REF_PREFIX } from './convert-zod-schemas.js';
import { escapeHtml } from '@vexora-checkout/runtime';
import type { JsonSchema } from './openapi-document.js';

export interface SchemaSummary {
  /** The type in a few words, as HTML: `string (email)`, `array of CheckoutIntent`, `integer | null`. */
  type: string;
  /** Each rule the value must follow, as HTML: `1–255 characters`, `one of KHR, USD`, `default 50`. */
  constraints: string[];
}

const code = (value: unknown) =>
  `<code>${escapeHtml(typeof value === 'string' ? value : JSON.stringify(value))}</code>`;

function range(min: number | undefined, max: number | undefined, unit: string): string | undefined {
  const units = (count: number) => (count === 1 ? unit : `${unit}s`);
  if (min !== undefined && max !== undefined)
    return min === max ? `${min} ${units(min)}` : `${min}–${max} ${units(max)}`;
  if (min !== undefined) return `at least ${min} ${units(min)}`;
  if (max !== undefined) return `at most ${max} ${units(max)}`;
  return undefined;
}

function typeOf(schema: JsonSchema): string {
  if (schema.$ref) {
    const name = schema.$ref.startsWith(SCHEMA_REF_PREFIX)
      ? schema.$ref.slice(SCHEMA_REF_PREFIX.length)
      : schema.$ref;
    return `<a href="#schema-${escapeHtml(name)}">${escapeHtml(name)}</a>`;
  }
  if ('const' in schema) return code(schema.const);
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants) return [...new Set(variants.map(typeOf))].join(' | ');
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length === 0) return schema.properties ? 'object' : 'any';
  return types
    .map((type) => {
      if (type === 'array') return `array of ${schema.items ? typeOf(schema.items) : 'any'}`;
      const values = schema.additionalProperties;
      if (type === 'object' && !schema.properties && typeof values === 'object') {
        return Object.keys(values).length === 0 ? 'object' : `map of string to ${typeOf(values)}`;
      }
      if (schema.format) return `${escapeHtml(type)} (${escapeHtml(schema.format)})`;
      return escapeHtml(type);
    })
    .join(' | ');
}

function constraintsOf(schema: JsonSchema): string[] {
  const rules: (string | undefined)[] = [];
  if (schema.enum) rules.push(`one of ${schema.enum.map(code).join(', ')}`);
  rules.push(range(schema.minLength, schema.maxLength, 'character'));
  if (schema.minimum !== undefined && schema.maximum !== undefined) {
    rules.push(`from ${schema.minimum} to ${schema.maximum}`);
  } else if (schema.minimum !== undefined) {
    rules.push(`at least ${schema.minimum}`);
  } else if (schema.maximum !== undefined) {
    rules.push(`at most ${schema.maximum}`);
  }
  rules.push(range(schema.minItems, schema.maxItems, 'item'));
  // A format already says what the (long, generated) pattern checks.
  if (schema.pattern && !schema.format) rules.push(`matches ${code(schema.pattern)}`);
  if (schema.additionalProperties === false) rules.push('no other fields');
  if (schema.items && !schema.items.$ref && !schema.items.properties) {
    rules.push(...constraintsOf(schema.items).map((rule) => `each: ${rule}`));
  }
  if (schema.default !== undefined) rules.push(`default ${code(schema.default)}`);
  if (schema.examples && schema.examples.length > 0)
    rules.push(`e.g. ${schema.examples.map(code).join(', ')}`);
  return rules.filter((rule): rule is string => rule !== undefined);
}

/** What a reader needs to know about a schema at a glance, for field lists and parameter tables. */
export function describeSchema(schema: JsonSchema): SchemaSummary {
  return { type: typeOf(schema), constraints: constraintsOf(schema) };
}
