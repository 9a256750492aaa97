import { BlockList } from 'node:net';
import { addRange } from './parse-ip-ranges.js';

/** What Express's "trust proxy" setting takes. */
export type TrustProxy = boolean | number | string[];

const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * Reads WEBHOOK_TRUST_PROXY with Express's "trust proxy" semantics: `false` (the peer is the
 * client), `true` (trust every hop: only behind a proxy that overwrites X-Forwarded-For), a hop
 * count, or the proxies' addresses as CIDRs and the names loopback, linklocal, uniquelocal.
 * Validated here, so a typo fails at start instead of trusting nobody (or everybody) silently.
 */
export function parseTrustProxy(
  text: string,
): { ok: true; value: TrustProxy } | { ok: false; message: string } {
  const value = text.trim();
  if (value === '' || value.toLowerCase() === 'false') return { ok: true, value: false };
  if (value.toLowerCase() === 'true') return { ok: true, value: true };
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return hops <= 32 ? { ok: true, value: hops } : { ok: false, message: 'a hop count must be at most 32' };
  }
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const scratch = new BlockList();
  for (const entry of entries) {
    if (NAMED_RANGES.has(entry)) continue;
    const issue = addRange(scratch, entry);
    if (issue) {
      return {
        ok: false,
        message: `${issue}; use false, true, a hop count, or addresses, CIDRs, loopback, linklocal, uniquelocal`,
      };
    }
  }
  return { ok: true, value: entries };
}
