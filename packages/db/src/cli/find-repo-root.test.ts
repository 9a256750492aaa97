import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { findRepoRoot } from './find-repo-root.js';

test('walks up to the directory holding prisma/schema.prisma', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'find-repo-root-'));
  try {
    await mkdir(path.join(root, 'prisma'));
    await writeFile(path.join(root, 'prisma', 'schema.prisma'), '');
    const deep = path.join(root, 'packages', 'db', 'dist', 'cli');
    await mkdir(deep, { recursive: true });

    expect(findRepoRoot(deep)).toBe(root);
    expect(findRepoRoot(root)).toBe(root);
    // A directory named prisma without the schema does not count.
    await mkdir(path.join(deep, 'prisma'));
    expect(findRepoRoot(deep)).toBe(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('finds this repository from the CLI source', () => {
  const here = path.dirname(fileURLToPath(import.meta.url));

  expect(findRepoRoot(here)).toBe(path.resolve(here, '../../../..'));
});

test('throws when no directory above has the schema', async () => {
  const lonely = await mkdtemp(path.join(os.tmpdir(), 'find-repo-root-none-'));
  try {
    expect(() => findRepoRoot(lonely)).toThrow(
      `No prisma/schema.prisma found in ${lonely} or any directory above it.`,
    );
  } finally {
    await rm(lonely, { recursive: true, force: true });
  }
});
