import { expect, test } from 'vitest';
import { computeMigrationChecksum } from './compute-migration-checksum.js';

test('is the lowercase hex SHA-256 the engine stores in _prisma_migrations', () => {
  // Stored by the schema engine for a migration.sql holding exactly this text.
  expect(computeMigrationChecksum('CREATE TABLE a (id int);\n')).toBe(
    'c2de7559380e5ebf65caa7d59e166558e80243cf7e70006cc98d1593d94203c1',
  );
  expect(computeMigrationChecksum('')).toBe(
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  );
});

test('hashes the exact UTF-8 bytes: line endings and non-ASCII text count', () => {
  const lf = computeMigrationChecksum('SELECT 1;\n');
  expect(computeMigrationChecksum('SELECT 1;\r\n')).not.toBe(lf);
  expect(computeMigrationChecksum("SELECT 'ស្វាគមន៍';")).toBe(
    computeMigrationChecksum(Buffer.from("SELECT 'ស្វាគមន៍';", 'utf8').toString('utf8')),
  );
  expect(computeMigrationChecksum("SELECT 'é';")).not.toBe(computeMigrationChecksum("SELECT 'e\u0301';"));
  expect(lf).toMatch(/^[0-9a-f]{64}$/);
});
