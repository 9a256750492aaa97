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

export interface ApiKeyAuthenticatorOptions {
  ttlMs?: number;
  now?: () => number;
  /** Most unknown (or revoked) keys remembered; the oldest is forgotten first. */
  maxUnknownKeys?: number;
  /** Most valid keys remembered; the least recently used is forgotten first. */
  maxKnownKeys?: number;
}

/** A Map kept in use order: a hit moves its entry to the end, a full map drops its first. */
function remember(cache: Map<string, CacheEntry>, hash: string, entry: CacheEntry, max: number) {
  cache.delete(hash);
  cache.set(hash, entry);
  while (cache.size > max) {
    const oldest = cache.keys().next();
    if (oldest.done === true) break;
    cache.delete(oldest.value);
  }
}

/**
 * Resolves a bearer key to its principal. Lookups are cached for `ttlMs` (default 10 s) so a
 * busy client costs no query per request; a revocation therefore takes effect within that time.
 * Unknown keys are cached too (as null), so repeating a bad key cannot flood the database. Valid
 * and unknown keys live in separate bounded caches: a flood of distinct made-up keys evicts only
 * other made-up keys, never a merchant's valid one.
 */
export function createApiKeyAuthenticator(prisma: PrismaClient, options: ApiKeyAuthenticatorOptions = {}) {
  const ttlMs = options.ttlMs ?? 10_000;
  const now = options.now ?? Date.now;
  const maxUnknown = options.maxUnknownKeys ?? 10_000;
  const maxKnown = options.maxKnownKeys ?? 10_000;
  const known = new Map<string, CacheEntry>();
  const unknown = new Map<string, CacheEntry>();

  return async function authenticate(key: string): Promise<ApiPrincipal | null> {
    if (!looksLikeApiKey(key)) return null;
    const hash = hashApiKey(key);
    const cached = known.get(hash) ?? unknown.get(hash);
    if (cached && cached.expiresAt > now()) {
      if (cached.principal) remember(known, hash, cached, maxKnown);
      return cached.principal;
    }
    const row = await prisma.apiKey.findUnique({ where: { keyHash: hash } });
    const principal =
      row && row.revokedAt === null
        ? { keyId: row.id, clientId: row.clientId, accountIds: row.accountIds }
        : null;
    const entry = { principal, expiresAt: now() + ttlMs };
    if (principal) {
      unknown.delete(hash);
      remember(known, hash, entry, maxKnown);
    } else {
      known.delete(hash);
      remember(unknown, hash, entry, maxUnknown);
    }
    return principal;
  };
}

export type ApiKeyAuthenticator = ReturnType<typeof createApiKeyAuthenticator>;
