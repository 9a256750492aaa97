// The API key `npm start` and `npm run dev` create for the run: scoped to the sandbox's
// development merchants, under a client id of its own (so the run's intents are easy to find),
// and revoked when the run stops.
import { randomBytes } from 'node:crypto';
import { DEFAULT_SANDBOX_ACCOUNTS } from '@vexora-checkout/contracts';
import { createPrismaClient } from '@vexora-checkout/db';
import { createApiKey, revokeApiKey } from '../apps/api/src/auth/manage-api-keys.js';

export interface DemoApiKey {
  id: string;
  clientId: string;
  /** The key itself: printed once for the developer, never logged. */
  key: string;
}

const accountIds = DEFAULT_SANDBOX_ACCOUNTS.map((account) => account.id);

export async function createDemoApiKey(databaseUrl: string): Promise<DemoApiKey> {
  const prisma = createPrismaClient({ databaseUrl, poolSize: 1, applicationName: 'vexora-start' });
  try {
    const clientId = `demo-${randomBytes(4).toString('hex')}`;
    const { key, summary } = await createApiKey(prisma, {
      name: `npm start ${new Date().toISOString()}`,
      clientId,
      accountIds,
      knownAccountIds: accountIds,
    });
    return { id: summary.id, clientId, key };
  } finally {
    await prisma.$disconnect();
  }
}

export async function revokeDemoApiKey(databaseUrl: string, id: string): Promise<void> {
  const prisma = createPrismaClient({ databaseUrl, poolSize: 1, applicationName: 'vexora-start' });
  try {
    await revokeApiKey(prisma, id);
  } finally {
    await prisma.$disconnect();
  }
}
