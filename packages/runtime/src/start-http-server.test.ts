import { Agent, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startHttpServer } from './start-http-server.js';

function get(port: number, agent?: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('startHttpServer', () => {
  it('binds an ephemeral port, serves, and closes even with idle keep-alive sockets', async () => {
    const http = await startHttpServer((_req, res) => res.end('hi'), { host: '127.0.0.1', port: 0 });
    expect(http.port).toBeGreaterThan(0);
    const agent = new Agent({ keepAlive: true });
    await expect(get(http.port, agent)).resolves.toEqual({ status: 200, body: 'hi' });
    // An idle keep-alive socket would keep a plain server.close() waiting for 65 s.
    await http.close(5_000);
    expect(http.server.listening).toBe(false);
    agent.destroy();
  });

  it('rejects when the port is taken', async () => {
    const first = await startHttpServer((_req, res) => res.end(), { host: '127.0.0.1', port: 0 });
    await expect(
      startHttpServer((_req, res) => res.end(), { host: '127.0.0.1', port: first.port }),
    ).rejects.toThrow(/EADDRINUSE/);
    await first.close();
  });
});
