import { expect, test } from 'vitest';
import { validateMigrationName } from './validate-migration-name.js';

test.each(['init', 'add_refund_table', 'v2', '2fa', 'a'.repeat(200)])('accepts %s', (name) => {
  expect(validateMigrationName(name)).toBeUndefined();
});

test.each([
  ['', 'The migration name is empty.'],
  ['a'.repeat(201), 'The migration name is longer than 200 characters.'],
  ['AddRefunds', 'may only contain lowercase letters, digits and underscores'],
  ['add-refunds', 'may only contain'],
  ['add refunds', 'may only contain'],
  ['añadir', 'may only contain'],
  ['../escape', 'may only contain'],
])('refuses %j', (name, message) => {
  expect(validateMigrationName(name)).toContain(message);
});
