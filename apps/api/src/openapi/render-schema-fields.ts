import { SCHEMA_REF_PREFIX } from './convert-zod-schemas.js';
import { describeSchema } from './describe-schema.js';
import { escapeHtml } from '@vexora-checkout/runtime';
import type { JsonSchema } from './openapi-document.js';
import { renderDescription } from './render-description.js';

const MAX_DEPTH = 8;

interface Context {
  schemas: Record<string, JsonSchema>;
  expandRefs: boolean;
}

function referenced(schema: JsonSchema, context: Context): { name: string; target: JsonSchema } | undefined {
  if (!schema.$ref?.startsWith(SCHEMA_REF_PREFIX)) return undefined;
  const name = schema.$ref.slice(SCHEMA_REF_PREFIX.length);
  const target = context.schemas[name];
  return target ? { name, target } : undefined;
}

function variantTitle(variant: JsonSchema, index: number): string {
  const discriminator = Object.entries(variant.properties ?? {}).find(([, property]) => 'const' in property);
  const head = discriminator
    ? `<code>${escapeHtml(discriminator[0])}</code> = <code>${escapeHtml(JSON.stringify(discriminator[1].const))}</code>`
    : `variant ${index + 1}`;
  return `${head}${variant.description ? ` — ${renderDescription(variant.description).replace(/^<p>|<\/p>$/g, '')}` : ''}`;
}

/** The fields inside a schema (its properties, its items', its variants'), or '' for a leaf. */
function renderInside(
  schema: JsonSchema,
  context: Context,
  seen: ReadonlySet<string>,
  depth: number,
): string {
  if (depth > MAX_DEPTH) return '';
  let target = schema;
  let inside = seen;
  const ref = referenced(schema, context);
  if (schema.$ref) {
    // The top level is always shown; nested references only when asked (else: a link suffices).
    if (!ref || seen.has(ref.name) || (depth > 0 && !context.expandRefs)) return '';
    target = ref.target;
    inside = new Set([...seen, ref.name]);
  }
  if (target.properties) {
    const required = new Set(target.required ?? []);
    const fields = Object.entries(target.properties).map(([name, property]) =>
      renderField(name, property, required.has(name), context, inside, depth + 1),
    );
    return `<ul class="fields">${fields.join('')}</ul>`;
  }
  if (target.items) return renderInside(target.items, context, inside, depth + 1);
  const variants = (target.oneOf ?? target.anyOf ?? []).filter((variant) => variant.type !== 'null');
  if (variants.length === 1 && variants[0]) return renderInside(variants[0], context, inside, depth + 1);
  const rendered = variants.map((variant) => renderInside(variant, context, inside, depth + 1));
  // Variants that are mere links are already named by the type (`CheckoutIntent | Problem`).
  if (rendered.some((html) => html !== '')) {
    const items = variants.map((variant, index) => {
      const title = variant.$ref ? describeSchema(variant).type : variantTitle(variant, index);
      return `<li class="variant"><div class="variant-title">${title}</div>${rendered[index] ?? ''}</li>`;
    });
    return `<ul class="variants">${items.join('')}</ul>`;
  }
  if (typeof target.additionalProperties === 'object') {
    return renderInside(target.additionalProperties, context, inside, depth + 1);
  }
  return '';
}

function renderField(
  name: string,
  property: JsonSchema,
  required: boolean,
  context: Context,
  seen: ReadonlySet<string>,
  depth: number,
): string {
  const summary = describeSchema(property);
  const description = property.description ?? referenced(property, context)?.target.description;
  return [
    '<li class="field">',
    `<div class="field-head"><code class="field-name">${escapeHtml(name)}</code> <span class="field-type">${summary.type}</span>`,
    required
      ? ' <span class="badge required">required</span>'
      : ' <span class="badge optional">optional</span>',
    '</div>',
    summary.constraints.length > 0 ? `<div class="constraints">${summary.constraints.join(' · ')}</div>` : '',
    description ? `<div class="field-description">${renderDescription(description)}</div>` : '',
    renderInside(property, context, seen, depth),
    '</li>',
  ].join('');
}

/**
 * A schema as a readable, nested list of fields: name, type, required or optional, constraints
 * (lengths, patterns, enums, ranges, defaults) and description. `$ref`s to component schemas are
 * followed at the top and, with `expandRefs`, everywhere (request bodies read best fully
 * expanded; responses link to the schemas section instead). Cycles are cut.
 */
export function renderSchemaFields(
  schema: JsonSchema,
  schemas: Record<string, JsonSchema>,
  options: { expandRefs?: boolean } = {},
): string {
  const context: Context = { schemas, expandRefs: options.expandRefs ?? false };
  const inside = renderInside(schema, context, new Set(), 0);
  if (inside) return inside;
  const summary = describeSchema(referenced(schema, context)?.target ?? schema);
  return `<p class="leaf"><span class="field-type">${summary.type}</span>${summary.constraints.length > 0 ? ` <span class="constraints">${summary.constraints.join(' · ')}</span>` : ''}</p>`;
}
