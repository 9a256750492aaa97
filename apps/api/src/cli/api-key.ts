// npm run api-key -- create --name NAME [--client CLIENT] [--accounts A,B] | list | revoke ID_OR_PREFIX
// Manages the API keys of merchant order systems. A new key is printed once; only its hash is kept.
import { parseArgs } from 'node:util';
import { createPrismaClient } from '@vexora-checkout/db';
import { ConfigError } from '@vexora-checkout/runtime';
import { createApiKey, listApiKeys, revokeApiKey } from '../auth/manage-api-keys.js';
import { loadApiConfig } from '../env.js';

const usage = `usage: npm run api-key -- create --name NAME [--client CLIENT] [--accounts ID,ID]
       npm run api-key -- list
       npm run api-key -- revoke KEY_ID_OR_PREFIX`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { name: { type: 'string' }, client: { type: 'string' }, accounts: { type: 'string' } },
  });
  const [command = '', argument] = positionals;
  const config = loadApiConfig();
  const prisma = createPrismaClient({
    databaseUrl: config.DATABASE_URL,
    poolSize: 1,
    applicationName: 'vexora-api-key',
  });
  try {
    switch (command) {
      case 'create': {
        if (!values.name) break;
        const knownAccountIds = config.accounts.map((account) => account.id);
        const { key, summary } = await createApiKey(prisma, {
          name: values.name,
          clientId: values.client ?? values.name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-'),
          accountIds: values.accounts ? values.accounts.split(',').map((id) => id.trim()) : knownAccountIds,
          knownAccountIds,
        });
        console.log(
          `Created API key ${summary.id} for client "${summary.clientId}" (accounts: ${summary.accountIds.join(', ')}).`,
        );
        console.log('Store it now; it is not shown again:\n');
        console.log(key);
        return 0;
      }
      case 'list': {
        const keys = await listApiKeys(prisma);
        if (keys.length === 0) console.log('No API keys.');
        for (const key of keys) {
          const status = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active';
          console.log(
            `${key.id}  ${key.keyPrefix}…  client=${key.clientId}  name="${key.name}"  accounts=${key.accountIds.join(',')}  ${status}`,
          );
        }
        return 0;
      }
      case 'revoke': {
        if (!argument) break;
        const count = await revokeApiKey(prisma, argument);
        console.log(count === 0 ? `No active key matches ${argument}.` : `Revoked ${count} key(s).`);
        return count === 0 ? 1 : 0;
      }
      default:
        break;
    }
    console.error(usage);
    return 2;
  } finally {
    await prisma.$disconnect();
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(error instanceof ConfigError || error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
