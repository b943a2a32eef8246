/**
 * Where a request's upstream is decided. Origin-form (`/path?q`) goes to
 * UPSTREAM_URL with the path and query byte for byte (reverse mode);
 * absolute-form (`http://host:port/path`) goes to that origin (forward mode,
 * RFC 9112 §3.2.2), checked against PROXY_ALLOWED_HOSTS and against looping
 * back into this proxy (RFC 9110 §7.6).
 */
import { readFileSync } from 'node:fs';
import { networkInterfaces, hostname as osHostname } from 'node:os';
import { canonicalHost, isHostAllowed } from '../http/host-patterns.js';
import type { HostPattern } from '../http/host-patterns.js';
import type { UpstreamTarget } from '../config/config.js';
import type { ProxyErrorCode } from '../http/errors.js';

/** The shape http-proxy-middleware (httpxy) takes as `target` (a pre-parsed URL, so it parses nothing per request). */
export interface HttpProxyTarget {
  readonly protocol: 'http:' | 'https:';
  readonly hostname: string;
  /** Authority for the Host header: default port omitted, IPv6 in brackets. */
  readonly host: string;
  readonly port: number;
  readonly path: string;
}

export interface ResolvedTarget {
  readonly mode: 'reverse' | 'forward';
  readonly target: HttpProxyTarget;
  /** The request-target sent upstream, exactly: prefix + the client's bytes, or the absolute URL's path and query. */
  readonly path: string;
}

export type TargetResolution = ResolvedTarget | { readonly error: ProxyErrorCode };

/** Where the proxy itself listens: forward targets that point here would loop. */
export interface ListenerIdentity {
  readonly port: number;
  /** Lower-case host names and addresses (no brackets) that reach this machine. */
  readonly addresses: ReadonlySet<string>;
}

/** The upstream as http-proxy-middleware's target, built once. */
export function reverseTarget(upstream: UpstreamTarget): HttpProxyTarget {
  return Object.freeze({
    protocol: upstream.protocol,
    hostname: upstream.hostname,
    host: upstream.host,
    port: upstream.port,
    path: '',
  });
}

/** Names Debian and most distributions give the loopback addresses in /etc/hosts. */
const LOOPBACK_NAMES = ['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback'];

/**
 * Host names /etc/hosts gives to loopback or one of `addresses` (the machine's own names: its
 * hostname with a domain, container aliases). Read once when the server listens.
 */
export function hostsFileNames(hostsText: string, addresses: ReadonlySet<string>): string[] {
  const names: string[] = [];
  for (const line of hostsText.split('\n')) {
    const [address, ...aliases] = line.replace(/#.*/, '').trim().split(/\s+/);
    const own = address === undefined ? '' : canonicalHost(address);
    // All of 127/8 is this machine (Debian names its host 127.0.1.1).
    if (addresses.has(own) || own.startsWith('127.')) {
      for (const alias of aliases) names.push(canonicalHost(alias));
    }
  }
  return names;
}

function readHostsFile(): string {
  try {
    return readFileSync('/etc/hosts', 'latin1');
  } catch {
    return '';
  }
}

/**
 * Every name this host answers to: loopback, wildcard, each interface address, its host
 * name and the names /etc/hosts gives those addresses (issue #16: the loop check must
 * also catch the proxy's own host names).
 */
export function localAddresses(bound: string | undefined, hostsText: string = readHostsFile()): ReadonlySet<string> {
  const names = new Set<string>([...LOOPBACK_NAMES, '0.0.0.0', '::', '::1', '127.0.0.1', canonicalHost(osHostname())]);
  if (bound !== undefined) names.add(canonicalHost(bound));
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) names.add(canonicalHost(info.address));
  }
  for (const name of hostsFileNames(hostsText, names)) names.add(name);
  return names;
}

/**
 * The loop check (RFC 9110 §7.6). Names are compared canonically, so an IPv4-mapped
 * spelling (`[::ffff:127.0.0.1]`, `[0:0:0:0:0:ffff:7f00:1]`, `[::ffff:0.0.0.0]`) is the
 * IPv4 address it reaches; all of 127/8 and `*.localhost` (RFC 6761 §6.3) are loopback.
 */
function isOwnListener(hostname: string, port: number, listener: ListenerIdentity | undefined): boolean {
  if (listener === undefined || port !== listener.port) return false;
  const name = canonicalHost(hostname);
  return listener.addresses.has(name) || name.startsWith('127.') || name === 'localhost' || name.endsWith('.localhost');
}

export { isHostAllowed };

const ABSOLUTE_HTTP = /^(https?):\/\/([^/?]*)(.*)$/is;
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Resolves the request-target (raw `req.url`). Pure apart from its inputs:
 * `listener` is undefined before the server listens.
 */
export function resolveTarget(
  url: string,
  method: string,
  reverse: HttpProxyTarget,
  pathPrefix: string,
  allowedHosts: readonly HostPattern[],
  listener: ListenerIdentity | undefined,
): TargetResolution {
  // No form of request-target carries a fragment (RFC 9112 §3.2); servers disagree on what
  // one means, so it is refused rather than passed on.
  if (url.includes('#')) return { error: 'BAD_REQUEST_TARGET' };
  if (url.charCodeAt(0) === 47 /* '/' */) {
    return { mode: 'reverse', target: reverse, path: pathPrefix + url };
  }
  if (url === '*') {
    // Asterisk-form is only defined for OPTIONS (RFC 9112 §3.2.4) and goes to the origin unchanged.
    return method === 'OPTIONS' ? { mode: 'reverse', target: reverse, path: '*' } : { error: 'BAD_REQUEST_TARGET' };
  }
  const match = ABSOLUTE_HTTP.exec(url);
  if (match === null) {
    return SCHEME.test(url) && !/^https?:/i.test(url) ? { error: 'UNSUPPORTED_SCHEME' } : { error: 'BAD_REQUEST_TARGET' };
  }
  const scheme = (match[1] as string).toLowerCase() as 'http' | 'https';
  const authority = match[2] as string;
  const rest = match[3] as string;
  // Userinfo in a request-target is deprecated and a phishing vector (RFC 9110 §4.2.4).
  if (authority === '' || authority.includes('@')) return { error: 'BAD_REQUEST_TARGET' };
  let parsed: URL;
  try {
    parsed = new URL(`${scheme}://${authority}/`);
  } catch {
    return { error: 'BAD_REQUEST_TARGET' };
  }
  const protocol = parsed.protocol as 'http:' | 'https:';
  const port = parsed.port === '' ? (protocol === 'https:' ? 443 : 80) : Number(parsed.port);
  const hostname = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  if (!isHostAllowed(hostname, port, allowedHosts)) return { error: 'FORWARD_HOST_FORBIDDEN' };
  if (isOwnListener(hostname, port, listener)) return { error: 'LOOP_DETECTED' };
  const path = rest === '' ? '/' : rest.charCodeAt(0) === 63 /* '?' */ ? `/${rest}` : rest;
  return {
    mode: 'forward',
    target: { protocol, hostname, host: parsed.host, port, path: '' },
    path,
  };
}
