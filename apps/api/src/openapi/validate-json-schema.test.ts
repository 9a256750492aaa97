import { describe, expect, test } from 'vitest';
import type { JsonSchema } from './openapi-document.js';
import { validateJsonSchema } from './validate-json-schema.js';

// The validator judges the document in the other tests, so it is tested on its own first.
describe('validateJsonSchema', () => {
  const schemas: Record<string, JsonSchema> = {
    Money: { type: 'string', pattern: '^[0-9]+$', maxLength: 3 },
  };
  const order: JsonSchema = {
    type: 'object',
    properties: {
      amount: { $ref: '#/components/schemas/Money' },
      state: { type: 'string', enum: ['A', 'B'] },
      note: { type: ['string', 'null'] },
      tags: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, maxItems: 2 },
      count: { type: 'integer', minimum: 0, maximum: 9 },
      extra: { type: 'object', additionalProperties: { type: 'number' } },
    },
    required: ['amount', 'state'],
    additionalProperties: false,
  };

  test('accepts a valid value', () => {
    expect(
      validateJsonSchema(
        order,
        { amount: '12', state: 'A', note: null, tags: ['x'], count: 3, extra: { a: 1 } },
        schemas,
      ),
    ).toEqual([]);
  });

  test.each([
    [{ state: 'A' }, 'missing required "amount"'],
    [{ amount: '1234', state: 'A' }, '$.amount: longer than 3'],
    [{ amount: '1a', state: 'A' }, '$.amount: does not match'],
    [{ amount: '1', state: 'C' }, '$.state: must be one of'],
    [{ amount: '1', state: 'A', other: 1 }, 'unknown property "other"'],
    [{ amount: '1', state: 'A', note: 3 }, '$.note: must be string or null'],
    [{ amount: '1', state: 'A', tags: [] }, 'fewer than 1 items'],
    [{ amount: '1', state: 'A', tags: ['a', 'b', 'c'] }, 'more than 2 items'],
    [{ amount: '1', state: 'A', tags: [''] }, '$.tags[0]: shorter than 1'],
    [{ amount: '1', state: 'A', count: 1.5 }, '$.count: must be integer'],
    [{ amount: '1', state: 'A', count: 10 }, '$.count: above 9'],
    [{ amount: '1', state: 'A', extra: { a: 'x' } }, '$.extra.a: must be number'],
    [[], '$: must be object'],
  ])('rejects %j', (value, reason) => {
    expect(validateJsonSchema(order, value, schemas).join('\n')).toContain(reason);
  });

  test('counts characters, not UTF-16 units, as JSON Schema does', () => {
    expect(validateJsonSchema({ type: 'string', maxLength: 1 }, '😀')).toEqual([]);
  });

  test('anyOf needs one match, oneOf exactly one', () => {
    const anyOf: JsonSchema = { anyOf: [{ type: 'string' }, { const: 1 }] };
    expect(validateJsonSchema(anyOf, 1)).toEqual([]);
    expect(validateJsonSchema(anyOf, 2)).not.toEqual([]);
    const oneOf: JsonSchema = { oneOf: [{ type: 'number' }, { type: 'integer' }] };
    expect(validateJsonSchema(oneOf, 1.5)).toEqual([]);
    expect(validateJsonSchema(oneOf, 1).join()).toContain('matches 2 of oneOf');
  });

  test('reports a $ref it cannot resolve', () => {
    expect(validateJsonSchema({ $ref: '#/components/schemas/Nope' }, 1)).toEqual([
      '$: unresolvable $ref #/components/schemas/Nope',
    ]);
  });
});
