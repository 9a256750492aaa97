import { describe, expect, test } from 'vitest';
import { annotateSchema } from './annotate-schema.js';
import type { JsonSchema } from './openapi-document.js';

describe('annotateSchema', () => {
  const schema: JsonSchema = {
    type: 'object',
    properties: { payer: { type: 'object', properties: { mobile: { type: 'string' } } } },
  };

  test('adds keywords by dotted path, leaving the original alone', () => {
    const annotated = annotateSchema(schema, {
      '': { description: 'root' },
      'payer.mobile': { description: 'digits', examples: ['012 345 678'] },
    });
    expect(annotated.description).toBe('root');
    expect(annotated.properties?.payer?.properties?.mobile).toEqual({
      type: 'string',
      description: 'digits',
      examples: ['012 345 678'],
    });
    expect(schema.properties?.payer?.properties?.mobile).toEqual({ type: 'string' });
  });

  test('throws for a field that does not exist (a rename must not orphan its text)', () => {
    expect(() => annotateSchema(schema, { 'payer.phone': { description: 'x' } })).toThrow(/payer\.phone/);
  });
});
