import type { GatewayClient } from '@vexora-checkout/gateway-client';
import type { AccountRateLimiter } from './create-account-rate-limiter.js';

/**
 * The same client, but every call first waits for the account's rate budget, so a bulk import
 * of 100,000 intents reaches Vexora at the configured pace whatever the worker concurrency.
 */
export function rateLimitGateway(
  client: GatewayClient,
  limiter: AccountRateLimiter,
  accountId: string,
): GatewayClient {
  return {
    merchantNo: client.merchantNo,
    checkout: async (request) => {
      await limiter.acquire(accountId);
      return client.checkout(request);
    },
    query: async (tradeNo) => {
      await limiter.acquire(accountId);
      return client.query(tradeNo);
    },
    close: () => client.close(),
  };
}
