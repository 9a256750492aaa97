import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { normalizeIp } from './normalize-ip.js';

export type IpRangesResult = { ok: true; list: BlockList; count: number } | { ok: false; issues: string[] };

/**
 * Parses a comma-separated list of addresses and CIDR ranges, IPv4 and IPv6
 * ("203.0.113.0/24, 198.51.100.7, 2001:db8::/32"), into a node:net BlockList used as an allow-list.
 * A bare address is a range of one. Every bad entry is reported, not only the first.
 */
export function parseIpRanges(text: string): IpRangesResult {
  const list = new BlockList();
  const issues: string[] = [];
  let count = 0;
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const issue = addRange(list, entry);
    if (issue) issues.push(issue);
    else count += 1;
  }
  if (issues.length === 0 && count === 0) issues.push('lists no address or range');
  return issues.length > 0 ? { ok: false, issues } : { ok: true, list, count };
}

/** Adds one entry to the list; returns why it is not a valid address or range, if it is not. */
export function addRange(list: BlockList, entry: string): string | undefined {
  const slash = entry.indexOf('/');
  // An IPv4-mapped IPv6 address ("::ffff:10.0.0.1") is the IPv4 address it maps.
  const address = normalizeIp(slash === -1 ? entry : entry.slice(0, slash)).address;
  const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
  if (!family) return `"${entry}" is not an IPv4 or IPv6 address or CIDR range`;
  const bits = family === 'ipv4' ? 32 : 128;
  if (slash === -1) {
    list.addSubnet(address, bits, family);
    return undefined;
  }
  const prefixText = entry.slice(slash + 1);
  const prefix = Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText) || prefix > bits) {
    return `"${entry}": the prefix length must be a whole number from 0 to ${bits}`;
  }
  list.addSubnet(address, prefix, family);
  return undefined;
}
