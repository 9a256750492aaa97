import { expect, test } from 'vitest';
import { formatMigrationTimestamp } from './format-migration-timestamp.js';

test('is yyyyMMddHHmmss in UTC, seconds truncated', () => {
  expect(formatMigrationTimestamp(new Date('2024-02-01T10:20:30.999Z'))).toBe('20240201102030');
  expect(formatMigrationTimestamp(new Date('2024-01-01T00:00:00Z'))).toBe('20240101000000');
});

test('converts from any offset to UTC, across the date line', () => {
  expect(formatMigrationTimestamp(new Date('2025-01-01T05:30:00+07:00'))).toBe('20241231223000');
  expect(formatMigrationTimestamp(new Date('2024-12-31T23:59:59-05:00'))).toBe('20250101045959');
});

test('pads every field', () => {
  expect(formatMigrationTimestamp(new Date(Date.UTC(987, 0, 2, 3, 4, 5)))).toBe('09870102030405');
});

test('refuses an invalid date', () => {
  expect(() => formatMigrationTimestamp(new Date('not a date'))).toThrow(RangeError);
});
