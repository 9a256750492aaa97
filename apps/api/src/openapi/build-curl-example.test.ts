import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { buildCurlExample } from './build-curl-example.js';
import type { Operation } from './openapi-document.js';

const operation = (changes: Partial<Operation>): Operation => ({
  operationId: 'op',
  summary: 's',
  tags: [],
  responses: {},
  ...changes,
});

/** The words a POSIX shell makes of a command line (curl replaced by printf). */
function shellWords(command: string): string[] {
  const output = execFileSync('sh', ['-c', `${command.replace(/^curl/, "printf '%s\\0'")}`], {
    env: { VEXORA_API_URL: 'http://api.test', VEXORA_API_KEY: 'vxk_test' },
    encoding: 'utf8',
  });
  return output.split('\0').slice(0, -1);
}

describe('buildCurlExample', () => {
  test('sends the key, the required headers and the JSON body, quoted for the shell', () => {
    const body = { remark: 'Sok\'s order; $(rm -rf /) `x` \\ "q"' };
    const command = buildCurlExample(
      'post',
      '/v1/checkouts',
      operation({
        parameters: [
          { name: 'Idempotency-Key', in: 'header', required: true, schema: {}, example: "it's-1" },
        ],
        requestBody: { required: true, content: { 'application/json': { schema: {}, example: body } } },
      }),
    );
    const words = shellWords(command);
    expect(words.slice(0, 3)).toEqual(['-sS', '-X', 'POST']);
    expect(words).toContain('http://api.test/v1/checkouts');
    expect(words).toContain('Authorization: Bearer vxk_test');
    expect(words).toContain("Idempotency-Key: it's-1");
    expect(JSON.parse(words.at(-1) ?? '')).toEqual(body);
  });

  test('fills path and query examples, and omits the key on public operations', () => {
    const command = buildCurlExample(
      'get',
      '/v1/checkouts/{id}',
      operation({
        security: [],
        parameters: [
          { name: 'id', in: 'path', required: true, schema: {}, example: 'a b' },
          { name: 'state', in: 'query', schema: {}, example: ['PAID', 'FAILED'] },
          { name: 'limit', in: 'query', schema: {} },
        ],
      }),
    );
    expect(shellWords(command)).toEqual(['-sS', 'http://api.test/v1/checkouts/a%20b?state=PAID,FAILED']);
  });
});
