import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, test } from '@vexora-checkout/testing';
import { onTestFinished } from 'vitest';
import { DEV_SECRET, USD_MERCHANT } from './support/build-checkout-body.js';
import { startTestSandbox } from './support/start-test-sandbox.js';

const run = promisify(execFile);
const client = fileURLToPath(new URL('./python_client.py', import.meta.url));

async function pythonCheckout(baseUrl: string, ...extra: string[]) {
  const { stdout } = await run(
    'python3',
    [client, '--base-url', baseUrl, '--merchant-no', USD_MERCHANT, '--secret', DEV_SECRET, ...extra],
    { timeout: 20_000 },
  );
  return JSON.parse(stdout) as { code: string; msg: string; data: Record<string, string> | null };
}

test('a request signed by an independent Python client is accepted; one changed character of sign is not', async () => {
  const sandbox = await startTestSandbox();
  onTestFinished(() => sandbox.stop());

  const accepted = await pythonCheckout(sandbox.url, '--trade-no', 'PY20260331000001');
  expect(accepted).toMatchObject({ code: '0000', data: { tradeNo: 'PY20260331000001', status: '0015' } });
  expect(accepted.data?.paymentLink).toMatch(new RegExp(`^${sandbox.url}/pay\\?token=[0-9a-f]{32}$`));

  const tampered = await pythonCheckout(sandbox.url, '--trade-no', 'PY20260331000002', '--tamper-sign');
  expect(tampered.code).toBe('8000');
  expect(tampered.msg).toMatch(/^sign does not match/);
  expect((await sandbox.admin('GET', '/ledger?tradeNo=PY20260331000002')).body).toMatchObject({ total: 0 });
});
