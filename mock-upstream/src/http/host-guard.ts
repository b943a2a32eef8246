/**
 * MOCK_ALLOWED_HOSTS (issue 16, Medium 5): the /__mock API and page answer only
 * requests whose Host names this mock. A web page on another origin can make a
 * victim's browser resolve its own name to 127.0.0.1 (DNS rebinding) and then
 * read same-origin responses; the Host header still carries the attacker's
 * name, so checking it keeps the journal (valid tokens in it) out of reach.
 * Recorded requests are not checked: recording whatever arrives is the mock's job,
 * and an echo shows only the request that caused it.
 */

/** The compose service names the proxy reaches the mocks by (docker-compose.yml). */
export const COMPOSE_SERVICE_NAMES = ['mock-upstream', 'mock-strict'] as const;
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'] as const;
const WILDCARD_ADDRESSES = new Set(['0.0.0.0', '::', '']);

/** `*` allows every Host; otherwise a set of lower-case names without port. */
export type AllowedHosts = '*' | ReadonlySet<string>;

/** The default list: loopback names, the compose service names and the listen address when it is specific. */
export function defaultAllowedHosts(listenHost: string): string[] {
  const names: string[] = [...LOOPBACK_NAMES, ...COMPOSE_SERVICE_NAMES];
  const listen = normaliseName(listenHost);
  if (!WILDCARD_ADDRESSES.has(listen) && !names.includes(listen)) names.push(listen);
  return names;
}

/** The name part of a Host value (RFC 9110 §7.2), lower-case, without port, brackets or a trailing dot. */
export function hostName(host: string): string {
  const value = host.trim();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return normaliseName(end < 0 ? value.slice(1) : value.slice(1, end));
  }
  const colon = value.indexOf(':');
  return normaliseName(colon < 0 ? value : value.slice(0, colon));
}

function normaliseName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/**
 * True when the Host is allowed. A request without Host (HTTP/1.0) is allowed: every
 * browser sends Host, so a rebinding page cannot leave it out.
 */
export function hostAllowed(host: string | undefined, allowed: AllowedHosts): boolean {
  if (allowed === '*' || host === undefined) return true;
  return allowed.has(hostName(host));
}
