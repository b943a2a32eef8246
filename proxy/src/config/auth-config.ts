/**
 * Client authentication (issue #24), opt-in: PROXY_AUTH, a comma list of `basic`, `mtls` and
 * `header`, tried in order. Unset, the proxy authenticates nobody and signs JWT_USER, as before.
 *
 *   basic   PROXY_USERS_FILE (htpasswd, bcrypt only), PROXY_AUTH_REALM (default "jwt-proxy")
 *   mtls    needs TLS_CLIENT_CA_FILE (the listener asks for and verifies client certificates)
 *   header  PROXY_IDENTITY_HEADER, trusted only from PROXY_TRUSTED_PEERS (CIDRs)
 *
 * The users file is read here at start, like JWT_KEYS_FILE: a regular file under a cap, so a
 * FIFO cannot hang the start (contracts/src/jwk-set-file.ts); SIGHUP re-reads it (auth/users-file.ts).
 */
import { isIP } from 'node:net';
import type { EnvReader } from '../../../contracts/src/index.js';
import { isHttpToken } from '../../../contracts/src/index.js';
import { parseHtpasswd } from '../../../contracts/src/htpasswd.js';
import { readKeyFileTextSync } from '../../../contracts/src/jwk-set-file.js';

export const AUTH_METHODS = ['basic', 'mtls', 'header'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

export const DEFAULT_AUTH_REALM = 'jwt-proxy';
/** A users file is a few hundred bytes a user; 4 MiB holds tens of thousands and bounds one read. */
export const MAX_USERS_FILE_BYTES = 4 * 1_048_576;

/** One PROXY_TRUSTED_PEERS entry; an address without a prefix is a /32 or /128. */
export interface PeerRange {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

export interface AuthConfig {
  readonly methods: readonly AuthMethod[];
  /** PROXY_AUTH_REALM: the realm of the Basic challenge. */
  readonly realm: string;
  /** PROXY_USERS_FILE, when `basic` is listed. */
  readonly usersFile: string | undefined;
  /** The users as read at start (name → bcrypt hash). */
  readonly users: ReadonlyMap<string, string>;
  /** PROXY_IDENTITY_HEADER, lower case, when `header` is listed. */
  readonly identityHeader: string | undefined;
  readonly trustedPeers: readonly PeerRange[];
}

/** `10.0.0.0/8`, `::1`, `fd00::/8`: a range, or undefined when the text is not one. */
export function parsePeerRange(text: string): PeerRange | undefined {
  const [address = '', prefixText, extra] = text.trim().split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return undefined;
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : -1;
  if (prefix < 0 || prefix > max) return undefined;
  return Object.freeze({ address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' });
}

function readMethods(reader: EnvReader): readonly AuthMethod[] {
  const text = reader.raw('PROXY_AUTH');
  if (text === undefined) return [];
  const names = text.split(',').map((name) => name.trim().toLowerCase());
  const unknown = names.filter((name) => !(AUTH_METHODS as readonly string[]).includes(name));
  const repeated = names.filter((name, i) => names.indexOf(name) !== i);
  if (unknown.length > 0 || repeated.length > 0) {
    const what = unknown.length > 0 ? `unknown "${unknown.join('", "')}"` : `"${repeated.join('", "')}" twice`;
    reader.problem('PROXY_AUTH', `must be a comma list of ${AUTH_METHODS.join(', ')}, each once; got ${what}`, 'basic,mtls');
    return [];
  }
  return Object.freeze(names as AuthMethod[]);
}

function readUsers(reader: EnvReader): { usersFile: string | undefined; users: ReadonlyMap<string, string> } {
  const usersFile = reader.raw('PROXY_USERS_FILE')?.trim();
  const none = new Map<string, string>();
  if (usersFile === undefined) {
    reader.problem('PROXY_USERS_FILE', 'is required by PROXY_AUTH=basic: an htpasswd file of bcrypt hashes', '/etc/jwt-proxy/users');
    return { usersFile, users: none };
  }
  const read = readKeyFileTextSync(usersFile, MAX_USERS_FILE_BYTES);
  const parsed = 'problem' in read ? { problems: [read.problem] } : parseHtpasswd(read.text);
  if ('problems' in parsed) {
    reader.problem('PROXY_USERS_FILE', `must be an htpasswd file of bcrypt hashes: ${parsed.problems.slice(0, 5).join('; ')}`, 'htpasswd -B -c users alice');
    return { usersFile, users: none };
  }
  return { usersFile, users: parsed.users };
}

function readRealm(reader: EnvReader): string {
  const realm = reader.string('PROXY_AUTH_REALM', DEFAULT_AUTH_REALM);
  // Printable ASCII without `"` and `\`, so it is a quoted-string with nothing to escape (RFC 9110 §5.6.4).
  if (!/^[\x20\x21\x23-\x5b\x5d-\x7e]{1,128}$/.test(realm)) {
    reader.problem('PROXY_AUTH_REALM', 'must be 1 to 128 printable ASCII characters without " or \\', DEFAULT_AUTH_REALM);
    return DEFAULT_AUTH_REALM;
  }
  return realm;
}

function readHeaderMethod(reader: EnvReader): { identityHeader: string | undefined; trustedPeers: readonly PeerRange[] } {
  const identityHeader = reader.raw('PROXY_IDENTITY_HEADER')?.trim().toLowerCase();
  if (identityHeader === undefined || !isHttpToken(identityHeader)) {
    reader.problem('PROXY_IDENTITY_HEADER', 'is required by PROXY_AUTH=header: a header field name', 'X-Forwarded-User');
  }
  const peersText = reader.raw('PROXY_TRUSTED_PEERS');
  const entries = peersText === undefined ? [] : peersText.split(',').filter((entry) => entry.trim() !== '');
  const trustedPeers = entries.map(parsePeerRange);
  const invalid = entries.filter((_, i) => trustedPeers[i] === undefined);
  if (peersText === undefined || invalid.length > 0) {
    const got = invalid.length > 0 ? `, got invalid "${invalid.join('", "')}"` : '';
    reader.problem('PROXY_TRUSTED_PEERS', `is required by PROXY_AUTH=header: a comma list of IPv4/IPv6 addresses or CIDRs${got}`, '10.0.0.0/8,::1');
  }
  return { identityHeader, trustedPeers: Object.freeze(trustedPeers.filter((peer) => peer !== undefined)) };
}

/** PROXY_AUTH and what its methods need, or undefined when PROXY_AUTH is unset (the default). */
export function readAuthConfig(reader: EnvReader): AuthConfig | undefined {
  const methods = readMethods(reader);
  if (methods.length === 0) return undefined;
  const basic = methods.includes('basic') ? readUsers(reader) : { usersFile: undefined, users: new Map<string, string>() };
  const realm = readRealm(reader);
  if (methods.includes('mtls') && reader.raw('TLS_CLIENT_CA_FILE') === undefined) {
    reader.problem('TLS_CLIENT_CA_FILE', 'is required by PROXY_AUTH=mtls: the CA bundle client certificates must chain to', '/etc/jwt-proxy/clients-ca.pem');
  }
  const header = methods.includes('header') ? readHeaderMethod(reader) : { identityHeader: undefined, trustedPeers: [] };
  return Object.freeze({ methods, realm, ...basic, ...header });
}
