import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPostgresBinaries } from './find-postgres-binaries.js';
import { findRedisServer } from './find-redis-server.js';
import { MissingBinaryError } from './missing-binary-error.js';

function fakeBinaries(dir: string, names: string[]) {
  mkdirSync(dir, { recursive: true });
  for (const name of names) {
    writeFileSync(join(dir, name), '#!/bin/sh\n');
    chmodSync(join(dir, name), 0o755);
  }
}

describe('findPostgresBinaries', () => {
  it('prefers the newest Debian major of at least 15', () => {
    const root = mkdtempSync(join(tmpdir(), 'pgroot-'));
    for (const major of ['14', '15', '16']) fakeBinaries(join(root, major, 'bin'), ['initdb', 'pg_ctl']);
    expect(findPostgresBinaries({ debianRoot: root, path: '' })).toEqual({
      initdb: join(root, '16', 'bin', 'initdb'),
      pgCtl: join(root, '16', 'bin', 'pg_ctl'),
    });
  });

  it('uses an explicit directory first, and PATH last', () => {
    const explicit = mkdtempSync(join(tmpdir(), 'pgbin-'));
    const onPath = mkdtempSync(join(tmpdir(), 'pgpath-'));
    fakeBinaries(explicit, ['initdb', 'pg_ctl']);
    fakeBinaries(onPath, ['initdb', 'pg_ctl']);
    const none = join(tmpdir(), 'no-such-root');
    expect(findPostgresBinaries({ binDir: explicit, debianRoot: none, path: onPath }).initdb).toBe(
      join(explicit, 'initdb'),
    );
    expect(findPostgresBinaries({ debianRoot: none, path: onPath }).pgCtl).toBe(join(onPath, 'pg_ctl'));
  });

  it('says exactly what to install when nothing is found', () => {
    const onlyClient = mkdtempSync(join(tmpdir(), 'pgclient-'));
    fakeBinaries(onlyClient, ['pg_ctl']); // pg_ctl without initdb is not a server installation
    const find = () => findPostgresBinaries({ debianRoot: join(tmpdir(), 'no-such-root'), path: onlyClient });
    expect(find).toThrow(MissingBinaryError);
    expect(find).toThrow(/apt-get install -y postgresql/);
    expect(find).toThrow(/PG_BIN_DIR/);
  });
});

describe('findRedisServer', () => {
  it('finds redis-server on PATH', () => {
    const dir = mkdtempSync(join(tmpdir(), 'redis-'));
    fakeBinaries(dir, ['redis-server']);
    expect(findRedisServer({ path: dir, systemDirs: [] })).toBe(join(dir, 'redis-server'));
  });

  it('says exactly what to install when it is missing', () => {
    expect(() => findRedisServer({ path: '', systemDirs: [] })).toThrow(/apt-get install -y redis-server/);
  });
});
