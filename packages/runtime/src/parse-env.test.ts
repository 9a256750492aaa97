import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConfigError,
  databaseUrlSchema,
  listenEnvShape,
  logLevelSchema,
  parseEnv,
  portSchema,
  redisUrlSchema,
} from './parse-env.js';

const schema = z.object({
  DATABASE_URL: databaseUrlSchema,
  REDIS_URL: redisUrlSchema,
  PORT: portSchema(4000),
  LOG_LEVEL: logLevelSchema,
});

describe('parseEnv', () => {
  it('applies defaults and coerces ports', () => {
    const config = parseEnv('test', schema, {
      DATABASE_URL: 'postgresql://u@localhost:5432/db',
      REDIS_URL: 'redis://localhost:6379',
    });
    expect(config).toEqual({
      DATABASE_URL: 'postgresql://u@localhost:5432/db',
      REDIS_URL: 'redis://localhost:6379',
      PORT: 4000,
      LOG_LEVEL: 'info',
    });
    expect(parseEnv('test', schema, { ...config, PORT: '8080' }).PORT).toBe(8080);
  });

  it('lists every invalid variable in one readable error', () => {
    const attempt = () =>
      parseEnv('api', schema, {
        DATABASE_URL: 'mysql://x',
        REDIS_URL: 'not a url',
        PORT: '70000',
        LOG_LEVEL: 'loud',
      });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const configError = error as ConfigError;
      expect(configError.issues).toHaveLength(4);
      expect(configError.message).toContain('Invalid configuration for api');
      expect(configError.message).toMatch(/DATABASE_URL: must be a URL starting with postgresql:\/\//);
      expect(configError.message).toMatch(/REDIS_URL: must be a URL starting with redis:\/\//);
      expect(configError.message).toMatch(/PORT: must be between 0 and 65535/);
      expect(configError.message).toMatch(/LOG_LEVEL: must be one of/);
    }
  });

  it('rejects a missing required URL with an example', () => {
    expect(() => parseEnv('worker', schema, { REDIS_URL: 'redis://h' })).toThrow(
      /DATABASE_URL: is required \(for example postgresql:/,
    );
  });

  it('rejects non-integer ports', () => {
    expect(() =>
      parseEnv('t', schema, { DATABASE_URL: 'postgres://h/d', REDIS_URL: 'redis://h', PORT: '40.5' }),
    ).toThrow(/PORT: must be a whole number/);
    expect(() =>
      parseEnv('t', schema, { DATABASE_URL: 'postgres://h/d', REDIS_URL: 'redis://h', PORT: 'abc' }),
    ).toThrow(/PORT: must be a port number/);
  });
});

describe('listenEnvShape', () => {
  it('names the host and port after the prefix, with loopback and the given port as defaults', () => {
    const listen = z.object(listenEnvShape('WEBHOOK', 4200));
    expect(parseEnv('webhook', listen, {})).toEqual({ WEBHOOK_HOST: '127.0.0.1', WEBHOOK_PORT: 4200 });
    expect(parseEnv('webhook', listen, { WEBHOOK_HOST: '0.0.0.0', WEBHOOK_PORT: '0' })).toEqual({
      WEBHOOK_HOST: '0.0.0.0',
      WEBHOOK_PORT: 0,
    });
    expect(() => parseEnv('webhook', listen, { WEBHOOK_PORT: '-1' })).toThrow(
      /WEBHOOK_PORT: must be between 0/,
    );
  });
});

describe('parseEnv with other parsers', () => {
  it("reports another parser's problems with its own, in one error", () => {
    const attempt = () =>
      parseEnv('api', schema, { DATABASE_URL: 'x', REDIS_URL: 'redis://h' }, ['VEXORA_ACCOUNTS: bad']);
    expect(attempt).toThrow(/DATABASE_URL: must be a URL[\s\S]*VEXORA_ACCOUNTS: bad/);
    expect(() =>
      parseEnv('api', schema, { DATABASE_URL: 'postgres://h/d', REDIS_URL: 'redis://h' }, ['X: bad']),
    ).toThrow(/X: bad/);
  });
});
