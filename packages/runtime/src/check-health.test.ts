import { describe, expect, it } from 'vitest';
import { checkHealth } from './check-health.js';

describe('checkHealth', () => {
  it('is ok when every check passes', async () => {
    await expect(
      checkHealth({ database: () => Promise.resolve(), redis: () => Promise.resolve() }),
    ).resolves.toEqual({
      status: 'ok',
      checks: { database: 'ok', redis: 'ok' },
    });
  });

  it('is unavailable and says why when a check fails', async () => {
    const report = await checkHealth({
      database: () => Promise.reject(new Error('connection refused')),
      redis: () => Promise.resolve(),
    });
    expect(report).toEqual({
      status: 'unavailable',
      checks: { database: 'connection refused', redis: 'ok' },
    });
  });

  it('does not hang on a check that never answers', async () => {
    const report = await checkHealth({ database: () => new Promise<void>(() => undefined) }, 20);
    expect(report).toEqual({ status: 'unavailable', checks: { database: 'timed out after 20 ms' } });
  });
});
