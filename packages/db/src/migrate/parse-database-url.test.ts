import { describe, expect, test } from 'vitest';
import { parseDatabaseUrl } from './parse-database-url.js';

describe('parseDatabaseUrl', () => {
  test('splits a URL into the fields node-postgres takes', () => {
    expect(parseDatabaseUrl('postgresql://postgres@127.0.0.1:54329/vexora_checkout')).toEqual({
      host: '127.0.0.1',
      port: 54329,
      user: 'postgres',
      password: undefined,
      database: 'vexora_checkout',
      schema: undefined,
      ssl: false,
    });
  });

  test('decodes credentials and the database name, and defaults the port', () => {
    expect(parseDatabaseUrl('postgres://app%40prod:p%3Ass%2Fw0rd@db.internal/my%20db')).toMatchObject({
      host: 'db.internal',
      port: 5432,
      user: 'app@prod',
      password: 'p:ss/w0rd',
      database: 'my db',
    });
    expect(parseDatabaseUrl('postgresql://[::1]:6543/x')).toMatchObject({
      host: '::1',
      port: 6543,
      user: undefined,
    });
  });

  test('reads sslmode, schema and a socket directory given as ?host=', () => {
    expect(parseDatabaseUrl('postgresql://u@h/d?sslmode=require').ssl).toEqual({ rejectUnauthorized: false });
    expect(parseDatabaseUrl('postgresql://u@h/d?sslmode=verify-full').ssl).toEqual({
      rejectUnauthorized: true,
    });
    expect(parseDatabaseUrl('postgresql://u@h/d?sslmode=prefer').ssl).toBe(false);
    expect(parseDatabaseUrl('postgresql://u@h/d?schema=billing').schema).toBe('billing');
    expect(parseDatabaseUrl('postgresql:///d?host=/var/run/postgresql')).toMatchObject({
      host: '/var/run/postgresql',
      database: 'd',
    });
  });

  test.each([
    ['not a url', 'not a valid URL'],
    ['mysql://u@h/d', 'must start with postgresql://'],
    ['postgresql://u@h', 'must name exactly one database'],
    ['postgresql://u@h/', 'must name exactly one database'],
    ['postgresql://u@h/a/b', 'must name exactly one database'],
    ['postgresql://u@h/d?sslmode=sometimes', 'Unsupported sslmode "sometimes"'],
    ['postgresql://u@h/d?schema=a";drop', 'Unsupported schema name'],
  ])('refuses %s', (url, message) => {
    expect(() => parseDatabaseUrl(url)).toThrow(message);
  });

  test('never echoes the password in its errors', () => {
    expect(() => parseDatabaseUrl('mysql://u:hunter2@h/d')).toThrow(
      expect.not.stringContaining('hunter2') as string,
    );
  });
});
