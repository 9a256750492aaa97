import { describe, expect, it } from 'vitest';
import { fallbackPostgresDataDir, resolveDevServicesLayout } from './resolve-dev-services-layout.js';

describe('resolveDevServicesLayout', () => {
  it('takes ports and database from the URLs the apps use', () => {
    const layout = resolveDevServicesLayout(
      '/repo',
      'postgresql://postgres@127.0.0.1:55001/shop',
      'redis://localhost:55002',
    );
    expect(layout).toEqual({
      repoRoot: '/repo',
      stateDir: '/repo/.services',
      postgres: { host: '127.0.0.1', port: 55001, database: 'shop', managed: true },
      redis: { host: 'localhost', port: 55002, managed: true },
    });
  });

  it('does not manage servers on other hosts, and knows the default ports', () => {
    const layout = resolveDevServicesLayout('/repo', 'postgres://db.internal/app', 'redis://cache.internal');
    expect(layout.postgres).toMatchObject({ port: 5432, managed: false });
    expect(layout.redis).toMatchObject({ port: 6379, managed: false });
  });

  it('falls back to a stable directory per checkout', () => {
    expect(fallbackPostgresDataDir('/root/a')).toBe(fallbackPostgresDataDir('/root/a'));
    expect(fallbackPostgresDataDir('/root/a')).not.toBe(fallbackPostgresDataDir('/root/b'));
  });
});
