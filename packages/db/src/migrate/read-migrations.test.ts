import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { readMigrations } from './read-migrations.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'read-migrations-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function addMigration(name: string, sql?: string): Promise<void> {
  await mkdir(path.join(root, name));
  if (sql !== undefined) await writeFile(path.join(root, name, 'migration.sql'), sql);
}

describe('readMigrations', () => {
  test('lists every subdirectory in name order, with its migration.sql as the engine expects', async () => {
    await addMigration('20240301000000_c', 'SELECT 3;');
    await addMigration('20240101000000_a', 'SELECT 1;\r\n');
    await addMigration('20240201000000_b', '');
    await writeFile(path.join(root, 'migration_lock.toml'), 'provider = "postgresql"\n');
    await writeFile(path.join(root, 'README.md'), 'not a migration');

    const list = await readMigrations(root);

    expect(list).toEqual({
      baseDir: root,
      lockfile: { path: 'migration_lock.toml', content: 'provider = "postgresql"\n' },
      migrationDirectories: [
        {
          path: '20240101000000_a',
          migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: 'SELECT 1;\r\n' } },
        },
        {
          path: '20240201000000_b',
          migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: '' } },
        },
        {
          path: '20240301000000_c',
          migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: 'SELECT 3;' } },
        },
      ],
      shadowDbInitScript: '',
    });
  });

  test('sorts a name before its own extensions, and digits as text (like the CLI)', async () => {
    await addMigration('20240101000000_init_b', 'B');
    await addMigration('20240101000000_init', 'A');
    await addMigration('20231231235959_z', 'Z');

    const names = (await readMigrations(root)).migrationDirectories.map((directory) => directory.path);

    expect(names).toEqual(['20231231235959_z', '20240101000000_init', '20240101000000_init_b']);
  });

  test('passes a missing migration.sql on as an error for the engine to report', async () => {
    await addMigration('20240101000000_empty_dir');

    const [directory] = (await readMigrations(root)).migrationDirectories;

    expect(directory?.path).toBe('20240101000000_empty_dir');
    expect(directory?.migrationFile.content.tag).toBe('error');
    expect(directory?.migrationFile.content.value).toContain('ENOENT');
  });

  test('reads a missing directory as an empty history without a lock file', async () => {
    const missing = path.join(root, 'does-not-exist');

    expect(await readMigrations(missing, 'SELECT 1;')).toEqual({
      baseDir: missing,
      lockfile: { path: 'migration_lock.toml', content: null },
      migrationDirectories: [],
      shadowDbInitScript: 'SELECT 1;',
    });
  });

  test('resolves a relative path, since the engine wants an absolute baseDir', async () => {
    const relative = path.relative(process.cwd(), root);

    expect((await readMigrations(relative)).baseDir).toBe(root);
  });
});
