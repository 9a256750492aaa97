import { DEFAULT_SANDBOX_ACCOUNTS } from '@vexora-checkout/contracts';
import { signFields } from '@vexora-checkout/signing';
import { afterAll, expect, test } from '@vexora-checkout/testing';
import pg from 'pg';
import {
  startTestWebhook,
  type TestWebhook,
  type TestWebhookOptions,
} from '../../test/start-test-webhook.js';

let reader: pg.Pool | undefined;
let sequence = 0;

afterAll(async () => {
  await reader?.end();
});

function signed(): Record<string, string> & { tradeNo: string } {
  sequence += 1;
  const tradeNo = `IP${process.pid}${String(sequence).padStart(5, '0')}`;
  return {
    ...signFields(
      { tradeNo, platFormTradeNo: `P${tradeNo}`, amount: '1.00', status: '0000' },
      DEFAULT_SANDBOX_ACCOUNTS[0]!.appSecret,
    ),
    tradeNo,
  };
}

async function stored(
  databaseUrl: string,
  tradeNo: string,
): Promise<{ source_ip: string; headers: object }[]> {
  reader ??= new pg.Pool({ connectionString: databaseUrl, max: 1 });
  const result = await reader.query<{ source_ip: string; headers: object }>(
    'SELECT source_ip, headers FROM gateway_notification WHERE trade_no = $1',
    [tradeNo],
  );
  return result.rows;
}

async function rejected(webhook: TestWebhook): Promise<number> {
  const values = (await webhook.metrics.registry.getSingleMetric('webhook_rejected_sources_total')?.get())
    ?.values;
  return values?.[0]?.value ?? 0;
}

async function withWebhook(options: TestWebhookOptions, run: (webhook: TestWebhook) => Promise<void>) {
  const webhook = await startTestWebhook(options);
  try {
    await run(webhook);
  } finally {
    await webhook.close();
  }
}

test('an allowed source is served; any other gets 403 and nothing is stored', async ({
  databaseUrl,
  redisUrl,
  bullmq,
}) => {
  await withWebhook(
    { databaseUrl, redisUrl, prefix: bullmq.prefix, allowedIps: '2001:db8::/32, 127.0.0.0/8' },
    async (webhook) => {
      const allowed = signed();
      expect(await webhook.notify(allowed)).toMatchObject({ status: 200, text: 'OK' });
      expect(await stored(databaseUrl, allowed.tradeNo)).toMatchObject([{ source_ip: '127.0.0.1' }]);
    },
  );
  await withWebhook(
    { databaseUrl, redisUrl, prefix: bullmq.prefix, allowedIps: '203.0.113.0/24' },
    async (webhook) => {
      const refused = signed();
      // Without a trusted proxy, X-Forwarded-For is the sender's word and proves nothing.
      const answer = await webhook.notify(refused, { headers: { 'x-forwarded-for': '203.0.113.7' } });
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.text)).toMatchObject({ code: 'forbidden_source' });
      expect(await stored(databaseUrl, refused.tradeNo)).toEqual([]);
      expect(await rejected(webhook)).toBe(1);
      // Logged without the body.
      const line = webhook.logs.find((entry) => String(entry.msg).includes('source address not in'));
      expect(line).toMatchObject({ sourceIp: '127.0.0.1' });
      expect(JSON.stringify(webhook.logs)).not.toContain(refused.sign);
    },
  );
});

test('behind a trusted proxy, the client address from X-Forwarded-For is checked and stored', async ({
  databaseUrl,
  redisUrl,
  bullmq,
}) => {
  await withWebhook(
    {
      databaseUrl,
      redisUrl,
      prefix: bullmq.prefix,
      allowedIps: '203.0.113.0/24',
      trustProxy: 'loopback',
    },
    async (webhook) => {
      const viaProxy = signed();
      const answer = await webhook.notify(viaProxy, {
        headers: { 'x-forwarded-for': '203.0.113.7, 127.0.0.1' },
      });
      expect(answer).toMatchObject({ status: 200, text: 'OK' });
      expect(await stored(databaseUrl, viaProxy.tradeNo)).toMatchObject([
        { source_ip: '203.0.113.7', headers: { 'x-forwarded-for': '203.0.113.7, 127.0.0.1' } },
      ]);

      const outsider = signed();
      expect(
        (await webhook.notify(outsider, { headers: { 'x-forwarded-for': '198.51.100.1' } })).status,
      ).toBe(403);
      // No X-Forwarded-For: the proxy itself is the source, and it is not on the list.
      expect((await webhook.notify(signed())).status).toBe(403);
      expect(await stored(databaseUrl, outsider.tradeNo)).toEqual([]);
      expect(await rejected(webhook)).toBe(2);
    },
  );
});
