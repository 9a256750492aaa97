import { isIPv4 } from 'node:net';

/**
 * The address as stored and matched: an IPv4-mapped IPv6 address (what a dual-stack socket
 * reports, "::ffff:203.0.113.7") becomes the IPv4 address, and an IPv6 zone ("%eth0") is dropped.
 */
export function normalizeIp(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const withoutZone = address.split('%')[0] ?? address;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(withoutZone)?.[1];
  if (mapped && isIPv4(mapped)) return { address: mapped, family: 'ipv4' };
  return { address: withoutZone, family: isIPv4(withoutZone) ? 'ipv4' : 'ipv6' };
}
