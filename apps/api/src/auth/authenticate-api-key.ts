import type { PrismaClient } from '@vexora-checkout/db';
import { hashApiKey, looksLikeApiKey } from './api-key-format.js';

/** Who is calling: every intent read or written is scoped to `clientId`. */
export interface ApiPrincipal {
  keyId: string;
  clientId: string;
  accountIds: string[];
}

interface CacheEntry {
  principal: ApiPrincipal | null;
  expiresAt: number;
}

/**
 * Resolves a bearer key to its principal. Lookups are cached for `ttlMs` (default 10 s) so a
 * busy client costs no query per request; a revocation therefore takes effect within that time.
 * Unknown keys are cached too (as null), so a flood of bad keys cannot flood the database.
 */
export function createApiKeyAuthenticator(
  prisma: PrismaClient,
  options: { ttlMs?: number; now?: () => number } = {},
) {
  const ttlMs = options.ttlMs ?? 10_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, CacheEntry>();

  return async function authenticate(key: string): Promise<ApiPrincipal | null> {
    if (!looksLikeApiKey(key)) return null;
    const hash = hashApiKey(key);
    const cached = cache.get(hash);
    if (cached && cached.expiresAt > now()) return cached.principal;
    const row = await prisma.apiKey.findUnique({ where: { keyHash: hash } });
    const principal =
      row && row.revokedAt === null
        ? { keyId: row.id, clientId: row.clientId, accountIds: row.accountIds }
        : null;
    if (cache.size > 10_000) cache.clear();
    cache.set(hash, { principal, expiresAt: now() + ttlMs });
    return principal;
  };
}

export type ApiKeyAuthenticator = ReturnType<typeof createApiKeyAuthenticator>;
