/**
 * The address a per-client share counts (the connection caps in server/connection-limits.ts,
 * the upload share in upload-admission.ts): an IPv4 address (IPv4-mapped IPv6 included), or an
 * IPv6 address's /64, since one host usually owns a whole /64 (RFC 6177 §3).
 */
import { isIPv6 } from 'node:net';
import { canonicalHost } from '../http/host-patterns.js';

export function clientKey(address: string | undefined): string {
  if (address === undefined) return '';
  const host = canonicalHost(address);
  if (!isIPv6(host)) return host;
  const groups = expandedGroups(host);
  return `${groups.slice(0, 4).join(':')}::/64`;
}

function expandedGroups(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((group) => group.replace(/^0+(?=.)/, ''));
}
