import { accessSync, constants, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { MissingBinaryError, POSTGRES_INSTALL_HINT } from './missing-binary-error.js';

export interface PostgresBinaries {
  initdb: string;
  pgCtl: string;
}

const isExecutable = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * Finds initdb and pg_ctl: an explicit directory first, then Debian's versioned layout
 * (/usr/lib/postgresql/<major>/bin, newest major first; initdb is not on PATH there), then PATH.
 */
export function findPostgresBinaries(
  options: { binDir?: string | undefined; path?: string | undefined; debianRoot?: string } = {},
): PostgresBinaries {
  const debianRoot = options.debianRoot ?? '/usr/lib/postgresql';
  const candidates: string[] = [];
  if (options.binDir) candidates.push(options.binDir);
  try {
    const majors = readdirSync(debianRoot)
      .filter((name) => /^\d+$/.test(name) && Number(name) >= 15)
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...majors.map((major) => join(debianRoot, major, 'bin')));
  } catch {
    // Not a Debian-style installation.
  }
  candidates.push(...(options.path ?? '').split(delimiter).filter(Boolean));

  for (const dir of candidates) {
    const initdb = join(dir, 'initdb');
    const pgCtl = join(dir, 'pg_ctl');
    if (isExecutable(initdb) && isExecutable(pgCtl)) return { initdb, pgCtl };
  }
  throw new MissingBinaryError('PostgreSQL server binaries (initdb, pg_ctl)', POSTGRES_INSTALL_HINT);
}
