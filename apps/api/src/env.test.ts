import { ConfigError } from '@vexora-checkout/runtime';
import { describe, expect, test } from 'vitest';
import { loadApiConfig } from './env.js';

describe('loadApiConfig: per-key rate limits', () => {
  test('defaults to 100 tokens a second; 0 turns the limit off', () => {
    expect(loadApiConfig({}).API_RATE_LIMIT_PER_SECOND).toBe(100);
    expect(loadApiConfig({ API_RATE_LIMIT_PER_SECOND: '0' }).API_RATE_LIMIT_PER_SECOND).toBe(0);
    expect(loadApiConfig({ API_RATE_LIMIT_PER_SECOND: '0.5' }).API_RATE_LIMIT_PER_SECOND).toBe(0.5);
  });

  test('an empty or blank value is refused, not read as 0 (which would turn the limit off)', () => {
    for (const value of ['', '  ']) {
      expect(() => loadApiConfig({ API_RATE_LIMIT_PER_SECOND: value })).toThrow(ConfigError);
    }
  });
});
