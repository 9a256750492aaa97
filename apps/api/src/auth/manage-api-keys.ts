import type { PrismaClient } from '@vexora-checkout/db';
import { displayPrefix, generateApiKey, hashApiKey } from './api-key-format.js';

export interface ApiKeySummary {
  id: string;
  clientId: string;
  name: string;
  keyPrefix: string;
  accountIds: string[];
  createdAt: Date;
  revokedAt: Date | null;
}

const CLIENT_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * Creates a key for a client, scoped to merchant accounts. The key itself is returned once and
 * never stored: only its hash is.
 */
export async function createApiKey(
  prisma: PrismaClient,
  input: { name: string; clientId: string; accountIds: string[]; knownAccountIds: readonly string[] },
): Promise<{ key: string; summary: ApiKeySummary }> {
  if (!CLIENT_ID.test(input.clientId)) {
    throw new Error('client id must be 1-64 lowercase letters, digits, "-" or "_"');
  }
  if (input.name.trim().length === 0 || input.name.length > 100)
    throw new Error('name must be 1-100 characters');
  if (input.accountIds.length === 0) throw new Error('a key needs at least one merchant account');
  const unknown = input.accountIds.filter((id) => !input.knownAccountIds.includes(id));
  if (unknown.length > 0) {
    throw new Error(
      `unknown merchant account(s): ${unknown.join(', ')} (configured: ${input.knownAccountIds.join(', ')})`,
    );
  }
  const key = generateApiKey();
  const row = await prisma.apiKey.create({
    data: {
      clientId: input.clientId,
      name: input.name.trim(),
      keyPrefix: displayPrefix(key),
      keyHash: hashApiKey(key),
      accountIds: input.accountIds,
    },
  });
  return { key, summary: summarise(row) };
}

export async function listApiKeys(prisma: PrismaClient): Promise<ApiKeySummary[]> {
  const rows = await prisma.apiKey.findMany({ orderBy: { createdAt: 'asc' } });
  return rows.map(summarise);
}

/** Revokes by id or by the displayed prefix; returns how many keys were revoked. */
export async function revokeApiKey(prisma: PrismaClient, idOrPrefix: string): Promise<number> {
  const isUuid = /^[0-9a-f-]{36}$/i.test(idOrPrefix);
  const result = await prisma.apiKey.updateMany({
    where: { revokedAt: null, ...(isUuid ? { id: idOrPrefix } : { keyPrefix: idOrPrefix }) },
    data: { revokedAt: new Date() },
  });
  return result.count;
}

function summarise(row: ApiKeySummary): ApiKeySummary {
  return {
    id: row.id,
    clientId: row.clientId,
    name: row.name,
    keyPrefix: row.keyPrefix,
    accountIds: row.accountIds,
    createdAt: row.createdAt,
    revokedAt: row.revokedAt,
  };
}
