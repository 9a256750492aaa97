/** A server binary is not installed; the message says exactly what to install. */
export class MissingBinaryError extends Error {
  constructor(what: string, howToInstall: string) {
    super(`${what} not found. ${howToInstall}`);
    this.name = 'MissingBinaryError';
  }
}

export const POSTGRES_INSTALL_HINT =
  'Install the PostgreSQL server (15 or newer): `apt-get install -y postgresql` on Debian/Ubuntu, ' +
  '`brew install postgresql@16` on macOS; or set PG_BIN_DIR to the directory holding initdb and pg_ctl; ' +
  'or start Docker so `docker compose` is used instead.';

export const REDIS_INSTALL_HINT =
  'Install Redis 7: `apt-get install -y redis-server` on Debian/Ubuntu, `brew install redis` on macOS; ' +
  'or put redis-server on PATH; or start Docker so `docker compose` is used instead.';
