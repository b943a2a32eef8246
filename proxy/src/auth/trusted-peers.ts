/**
 * PROXY_TRUSTED_PEERS as a test on a connection's remote address (issue #24). An IPv4 client
 * on a dual-stack listener arrives as `::ffff:a.b.c.d`; it is tested as the IPv4 address, so
 * `10.0.0.0/8` admits it and `::ffff:0:0/96` is not needed.
 */
import { BlockList, isIPv4 } from 'node:net';
import type { PeerRange } from '../config/auth-config.js';

export type PeerTrust = (address: string | undefined) => boolean;

export function createPeerTrust(ranges: readonly PeerRange[]): PeerTrust {
  const list = new BlockList();
  for (const range of ranges) list.addSubnet(range.address, range.prefix, range.family);
  return (address) => {
    if (address === undefined) return false;
    const mapped = address.toLowerCase().startsWith('::ffff:') ? address.slice(7) : undefined;
    if (mapped !== undefined && isIPv4(mapped)) return list.check(mapped, 'ipv4');
    return list.check(address, isIPv4(address) ? 'ipv4' : 'ipv6');
  };
}
