/**
 * Which forward-mode targets the proxy signs for (PROXY_ALLOWED_HOSTS, issue #16).
 * A token of ours tells an upstream "this request passed through the proxy", so an
 * open default would hand a validly signed request, and a port scanner, to anyone
 * who can reach the proxy. By default only UPSTREAM_URL's host and port are
 * reachable; `*` is an explicit opt-in.
 *
 * An entry that looks like an IP address (`127.0.0.*`, `[fd00::*]`) matches IP
 * literals only: its `*` stands for one octet or one group, so `127.0.0.*` never
 * matches the DNS name `127.0.0.2.attacker.invalid`.
 */
import { isIP } from 'node:net';

export type HostPatternKind = 'any' | 'ipv4' | 'ipv6' | 'name';

/** One PROXY_ALLOWED_HOSTS entry: a host pattern and an optional port (undefined = any port). */
export interface HostPattern {
  readonly source: string;
  readonly kind: HostPatternKind;
  readonly host: RegExp;
  readonly port: number | undefined;
}

const IPV4_PATTERN = /^(?:\d{1,3}|\*)(?:\.(?:\d{1,3}|\*)){3}$/;
const IPV6_PATTERN = /^[0-9a-f:.*]+$/i;
const ENTRY = /^(?:\[([0-9a-fA-F:.*]+)\]|([^:[\]/\s@]+))(?::(\d{1,5}|\*))?$/;

function escape(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

function hostRegExp(kind: HostPatternKind, host: string): RegExp {
  const star = kind === 'ipv4' ? '\\d{1,3}' : kind === 'ipv6' ? '[0-9a-f]{0,4}' : '.*';
  return new RegExp(`^${escape(host).replace(/\*/g, star)}$`, 'i');
}

/** The eight 16-bit groups of an IPv6 literal (`isIP` already said it is one). */
function ipv6Groups(address: string): number[] {
  // A trailing dotted quad is two groups written in decimal: rewrite it as hex first.
  const text = address.replace(/(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/, (_: string, a: string, b: string, c: string, d: string) =>
    `${((Number(a) << 8) | Number(b)).toString(16)}:${((Number(c) << 8) | Number(d)).toString(16)}`,
  );
  const [head = '', rest] = text.split('::');
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16)));
  const left = parse(head);
  if (rest === undefined) return left;
  const right = parse(rest);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/**
 * The host as the allowlist and the loop check compare it: lower case, no trailing dot,
 * and an IPv4-mapped IPv6 literal (`::ffff:7f00:1`, the WHATWG URL spelling of
 * `[::ffff:127.0.0.1]`, or `0:0:0:0:0:ffff:7f00:1`) as the IPv4 address it reaches.
 */
export function canonicalHost(hostname: string): string {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  if (isIP(name) !== 6) return name;
  const groups = ipv6Groups(name);
  const mapped = groups.length === 8 && groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  if (!mapped) return name;
  const high = groups[6] as number;
  const low = groups[7] as number;
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

function patternOf(source: string, host: string, port: number | undefined, bracketed: boolean): HostPattern {
  const kind: HostPatternKind =
    host === '*' ? 'any' : bracketed ? 'ipv6' : IPV4_PATTERN.test(host) ? 'ipv4' : 'name';
  return Object.freeze({ source, kind, host: hostRegExp(kind, host.toLowerCase()), port });
}

/** Parses PROXY_ALLOWED_HOSTS: comma-separated `host[:port]`, `*` as a wildcard, `[v6]:port` for IPv6. */
export function parseAllowedHosts(value: string): readonly HostPattern[] | { invalid: string[] } {
  const entries = value.split(',').map((entry) => entry.trim()).filter((entry) => entry.length > 0);
  const invalid: string[] = [];
  const patterns: HostPattern[] = [];
  for (const entry of entries) {
    const match = ENTRY.exec(entry);
    const host = match?.[1] ?? match?.[2];
    const portText = match?.[3];
    const port = portText === undefined || portText === '*' ? undefined : Number(portText);
    if (
      match === null ||
      host === undefined ||
      (port !== undefined && (port < 1 || port > 65535)) ||
      (match[1] !== undefined && !IPV6_PATTERN.test(host))
    ) {
      invalid.push(entry);
      continue;
    }
    patterns.push(patternOf(entry, host, port, match[1] !== undefined));
  }
  if (entries.length === 0) return { invalid: [value] };
  if (invalid.length > 0) return { invalid };
  return Object.freeze(patterns);
}

/** The default allowlist: exactly UPSTREAM_URL's host and port. */
export function upstreamOnly(hostname: string, port: number): readonly HostPattern[] {
  const host = canonicalHost(hostname);
  const source = isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
  const kind: HostPatternKind = isIP(host) === 4 ? 'ipv4' : isIP(host) === 6 ? 'ipv6' : 'name';
  return Object.freeze([Object.freeze({ source, kind, host: new RegExp(`^${escape(host)}$`, 'i'), port })]);
}

/** True when an entry admits every host (`*`, `*:*`, `*:8080`): logged as a warning at start. */
export function admitsAnyHost(patterns: readonly HostPattern[]): boolean {
  return patterns.some((pattern) => pattern.kind === 'any');
}

function kindMatches(kind: HostPatternKind, host: string): boolean {
  switch (kind) {
    case 'any':
      return true;
    case 'ipv4':
      return isIP(host) === 4;
    case 'ipv6':
      return isIP(host) === 6;
    case 'name':
      return isIP(host) === 0;
  }
}

/** True when PROXY_ALLOWED_HOSTS admits this host (as in the URL, without brackets) and port. */
export function isHostAllowed(hostname: string, port: number, patterns: readonly HostPattern[]): boolean {
  const host = canonicalHost(hostname);
  for (const pattern of patterns) {
    if ((pattern.port === undefined || pattern.port === port) && kindMatches(pattern.kind, host) && pattern.host.test(host)) {
      return true;
    }
  }
  return false;
}
