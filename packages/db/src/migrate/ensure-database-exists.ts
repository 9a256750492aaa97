import pg from 'pg';
import { parseDatabaseUrl } from './parse-database-url.js';

/**
 * Creates the database named in the URL if it does not exist yet, as `prisma migrate deploy`
 * does. The CREATE runs from the `postgres` maintenance database (or `template1`, which every
 * server has).
 *
 * @returns true when the database was created by this call.
 */
export async function ensureDatabaseExists(databaseUrl: string): Promise<boolean> {
  const { host, port, user, password, ssl, database } = parseDatabaseUrl(databaseUrl);
  const connect = async (name: string): Promise<pg.Client> => {
    const client = new pg.Client({ host, port, user, password, ssl, database: name });
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
  };

  try {
    await (await connect(database)).end();
    return false;
  } catch (error) {
    if (sqlState(error) !== '3D000') throw error;
  }

  let admin: pg.Client;
  try {
    admin = await connect('postgres');
  } catch (error) {
    if (sqlState(error) !== '3D000') throw error;
    admin = await connect('template1');
  }
  try {
    await admin.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
    return true;
  } catch (error) {
    // Someone else created it in the meantime: the goal is reached all the same.
    if (sqlState(error) === '42P04') return false;
    throw error;
  } finally {
    await admin.end();
  }
}

function sqlState(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}
