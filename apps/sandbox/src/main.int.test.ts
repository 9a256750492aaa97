import { expect, runAppUntilListening, startAppProcess, test } from '@vexora-checkout/testing';

const entry = 'apps/sandbox/src/main.ts';

test('starts, answers its health check, and stops cleanly on SIGTERM', async () => {
  const { app, get } = await runAppUntilListening(entry, { SANDBOX_PORT: '0', LOG_LEVEL: 'info' });
  await expect(get('/health')).resolves.toEqual({
    status: 200,
    body: { service: 'sandbox', status: 'ok', checks: {} },
  });
  expect(await app.stop('SIGTERM')).toBe(0);
  expect(app.output.some((line) => line.includes('"msg":"stopped"'))).toBe(true);
});

test('warns when it falls back to the development merchants, and says where it listens', async () => {
  const { app, port, get } = await runAppUntilListening(entry, {
    SANDBOX_PORT: '0',
    LOG_LEVEL: 'info',
    SANDBOX_SEED: '5',
  });
  const warning = await app.waitForLog((line) => line.level === 'warn');
  expect(warning.msg).toMatch(/using the development merchants/);
  expect(warning.merchants).toEqual([
    { merchantNo: 'SANDBOX0001', currencies: ['USD'] },
    { merchantNo: 'SANDBOX0002', currencies: ['KHR'] },
  ]);
  const listening = await app.waitForLog((line) => line.msg === 'sandbox gateway listening');
  expect(listening).toMatchObject({ publicUrl: `http://127.0.0.1:${port}`, seed: 5, maxOrders: 200_000 });
  expect(app.output.join('\n')).not.toContain('sandbox-app-secret');
  // runService installs its signal handlers only once start() has returned, just after the
  // "listening" line: a request first makes sure they are in place.
  expect((await get('/health')).status).toBe(200);
  expect(await app.stop('SIGTERM')).toBe(0);
});

test('uses the configured merchant and public URL without a warning', async () => {
  const { app, get } = await runAppUntilListening(entry, {
    SANDBOX_PORT: '0',
    LOG_LEVEL: 'info',
    VEXORA_MERCHANT_NO: 'M-100',
    VEXORA_APP_SECRET: 'a-long-enough-secret',
    SANDBOX_PUBLIC_URL: 'https://sandbox.example.test/',
  });
  const listening = await app.waitForLog((line) => line.msg === 'sandbox gateway listening');
  expect(listening).toMatchObject({ merchants: ['M-100'], publicUrl: 'https://sandbox.example.test' });
  expect(app.output.some((line) => line.includes('"level":"warn"'))).toBe(false);
  expect(app.output.join('\n')).not.toContain('a-long-enough-secret');
  expect((await get('/health')).status).toBe(200);
  expect(await app.stop('SIGTERM')).toBe(0);
});

test('refuses to start on bad configuration, saying what is wrong', async () => {
  const app = startAppProcess(entry, {
    SANDBOX_PORT: 'eighty',
    LOG_LEVEL: 'chatty',
    SANDBOX_SCENARIO: '{"faults":{"reset":3}}',
    VEXORA_ACCOUNTS: '[{"merchantNo":"M1"}]',
  });
  expect(await app.exited).toBe(1);
  const output = app.output.join('\n');
  expect(output).toContain('Invalid configuration for sandbox');
  expect(output).toMatch(/SANDBOX_PORT: must be a port number/);
  expect(output).toMatch(/LOG_LEVEL: must be one of/);
  expect(output).toMatch(/SANDBOX_SCENARIO: faults.reset: must be between 0 and 1/);
  expect(output).toMatch(/VEXORA_ACCOUNTS\[0\]\[appSecret\]/);
});
