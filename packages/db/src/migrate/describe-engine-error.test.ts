import { expect, test } from 'vitest';
import { describeEngineError } from './describe-engine-error.js';

test('drops the Rust span trace and the adapter prefix from an engine error', () => {
  const error = new Error(
    'external connector error\n' +
      'Error querying the database: ERROR: type "nosuchtype" does not exist\n' +
      '   0: sql_schema_connector::apply_migration::apply_script\n' +
      '           with migration_name="20240102000000_bad"\n' +
      '             at schema-engine/connectors/sql-schema-connector/src/apply_migration.rs:113\n' +
      '   1: schema_engine_wasm::wasm::engine::ApplyMigrations\n',
  );

  expect(describeEngineError(error)).toBe(
    'Error querying the database: ERROR: type "nosuchtype" does not exist',
  );
});

test('keeps a multi-line message without a trace whole', () => {
  const message = 'The database schema is not empty.\nRead more: https://pris.ly/d/migrate-baseline';

  expect(describeEngineError(new Error(message))).toBe(message);
  expect(describeEngineError('plain string')).toBe('plain string');
});

test('reports a trap (a Rust panic) as an engine crash', () => {
  const trap = new Error('unreachable');
  trap.name = 'RuntimeError';

  expect(describeEngineError(trap)).toBe('The schema engine crashed (unreachable).');
});
