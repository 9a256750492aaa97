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

test('refuses to start on bad configuration, saying what is wrong', async () => {
  const app = startAppProcess(entry, { SANDBOX_PORT: 'eighty', LOG_LEVEL: 'chatty' });
  expect(await app.exited).toBe(1);
  const output = app.output.join('\n');
  expect(output).toContain('Invalid configuration for sandbox');
  expect(output).toMatch(/SANDBOX_PORT: must be a port number/);
  expect(output).toMatch(/LOG_LEVEL: must be one of/);
});
