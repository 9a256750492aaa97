import { randomBytes } from 'node:crypto';
import { queryDatabase } from './query-database.js';

export interface OwnedDatabase {
  /** Connects as the database's own role, so whatever it creates is owned by that role. */
  databaseUrl: string;
  /** Every database the role owns: the main one plus any shadow database left behind. */
  listOwnedDatabases(): Promise<string[]>;
  remove(): Promise<void>;
}

/**
 * A database owned by a fresh role. Databases the migration tool creates with that role can be
 * told apart from those of tests running in parallel on the same server.
 */
export async function createOwnedDatabase(adminDatabaseUrl: string): Promise<OwnedDatabase> {
  const suffix = randomBytes(6).toString('hex');
  const role = `migrate_test_${suffix}`;
  const database = `owned_${suffix}`;
  const password = randomBytes(12).toString('hex');
  await queryDatabase(adminDatabaseUrl, `CREATE ROLE ${role} LOGIN CREATEDB PASSWORD '${password}'`);
  await queryDatabase(adminDatabaseUrl, `CREATE DATABASE ${database} OWNER ${role}`);
  const url = new URL(adminDatabaseUrl);
  url.username = role;
  url.password = password;
  url.pathname = `/${database}`;
  const listOwnedDatabases = async (): Promise<string[]> => {
    const rows = await queryDatabase<{ datname: string }>(
      adminDatabaseUrl,
      'SELECT datname FROM pg_database WHERE datdba = (SELECT oid FROM pg_roles WHERE rolname = $1) ORDER BY 1',
      [role],
    );
    return rows.map((row) => row.datname);
  };
  return {
    databaseUrl: url.toString(),
    listOwnedDatabases,
    async remove() {
      for (const name of await listOwnedDatabases()) {
        await queryDatabase(adminDatabaseUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      }
      await queryDatabase(adminDatabaseUrl, `DROP ROLE IF EXISTS ${role}`);
    },
  };
}
