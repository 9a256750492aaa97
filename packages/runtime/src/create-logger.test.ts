import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './create-logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      callback();
    },
  });
  return { lines, logger: createLogger({ service: 'test', level: 'info', destination }) };
}

describe('createLogger', () => {
  it('writes JSON lines with the service name and a textual level', () => {
    const { lines, logger } = capture();
    logger.info({ intentId: 'i-1' }, 'hello');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ service: 'test', level: 'info', intentId: 'i-1', msg: 'hello' });
  });

  it('never writes secrets or payer details', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        secret: 'top-secret-key',
        request: { sign: 'abc123', secret: 'k', apiKey: 'vx_live_1' },
        payer: { firstName: 'Sok', lastName: 'Dara', mobile: '012345678', email: 'sok@example.com' },
        order: { firstName: 'Sok', mobile: '012345678', email: 'sok@example.com', amount: '10.00' },
        req: { headers: { authorization: 'Bearer t0ken', 'x-api-key': 'vx_live_2' } },
        config: { databaseUrl: 'postgresql://u:pw@h/db' },
      },
      'submitting',
    );
    const text = JSON.stringify(lines);
    for (const secret of [
      'top-secret-key',
      'abc123',
      'vx_live_1',
      'vx_live_2',
      'Bearer t0ken',
      'Dara',
      '012345678',
      'sok@example.com',
      'pw@h',
    ]) {
      expect(text).not.toContain(secret);
    }
    // What is not sensitive stays readable.
    expect(lines[0]).toMatchObject({ order: { amount: '10.00', firstName: '[redacted]' } });
  });
});
