import type { IncomingHttpHeaders } from 'node:http';

/**
 * Request headers kept with a notification as evidence of where it came from. An allow-list, so
 * nothing secret (authorization, cookies, API keys) is ever stored, whatever a sender adds.
 */
export const EVIDENCE_HEADERS: readonly string[] = [
  'content-type',
  'content-length',
  'content-encoding',
  'user-agent',
  'host',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-real-ip',
  'via',
  'x-request-id',
];

const MAX_VALUE_LENGTH = 512;

export function selectEvidenceHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of EVIDENCE_HEADERS) {
    const value = headers[name];
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    kept[name] = text.length > MAX_VALUE_LENGTH ? text.slice(0, MAX_VALUE_LENGTH) : text;
  }
  return kept;
}
