/**
 * The proxy's configuration: parsed once from the environment into a frozen,
 * typed object. Every problem is collected and reported together, each naming
 * the variable, what it must be and an example (STYLE.md "Config at the edge").
 */
import { availableParallelism } from 'node:os';
import {
  DEFAULT_JWT_USER,
  DEFAULT_SIGNED_METHODS,
  EnvReader,
  isHttpToken,
  parseMethodList,
  readTokenConfig,
} from '../../../contracts/src/index.js';
import type { Env, TokenConfig } from '../../../contracts/src/index.js';
import type { TokenProfile } from '../../../contracts/src/token-profile.js';
import type { KeySetting } from '../keys/key-ring.js';
import { readSigningConfig } from './signing-config.js';
import { admitsAnyHost, parseAllowedHosts, upstreamOnly } from '../http/host-patterns.js';
import type { HostPattern } from '../http/host-patterns.js';
import { checkPublishedKey } from './published-key.js';
import { readResourceLimits } from './resource-limits.js';
import type { ResourceLimits } from './resource-limits.js';
import { readAuthConfig } from './auth-config.js';
import type { AuthConfig } from './auth-config.js';
import { clientCaUnused, loadTlsMaterialSync, readTlsSetting } from './tls-config.js';
import type { TlsSetting } from './tls-config.js';

export { parseAllowedHosts };
export type { HostPattern };

export const DEFAULT_HTTP_PORT = 8080;
export const DEFAULT_HOST = '0.0.0.0';
export const DEFAULT_UPSTREAM_URL = 'http://127.0.0.1:8081';
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 30_000;
export const DEFAULT_PROXY_NAME = 'jwt-proxy';
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
export const DEFAULT_LOG_LEVEL = 'info';
/** Slowloris guard: the whole header section must arrive within this (Node's own default is 60 s). */
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
/** The whole request, body included, must arrive within this (Node's default: 300 s). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 300_000;
/** Idle client keep-alive connections close after this (Node's default: 5 s). */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 5_000;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface UpstreamTarget {
  /** 'http:' or 'https:'. */
  readonly protocol: 'http:' | 'https:';
  /** Host name without brackets, e.g. `::1` or `example.com`. */
  readonly hostname: string;
  /** Authority as sent in Host, e.g. `[::1]:8081`, without a default port. */
  readonly host: string;
  readonly port: number;
  /** Path prefix without a trailing slash: '' for `http://h:1/` or `http://h:1`. */
  readonly pathPrefix: string;
  readonly href: string;
}

export interface ProxyConfig {
  readonly port: number;
  readonly host: string;
  readonly upstream: UpstreamTarget;
  readonly token: TokenConfig;
  /** Opt-in registered claims (issue #12); `{}` is the assignment's token. */
  readonly profile: TokenProfile;
  /** JWT_SECRET, or the JWK Set of JWT_KEYS_FILE as read at start (issue #12). */
  readonly keys: KeySetting;
  readonly user: string;
  readonly signedMethods: ReadonlySet<string>;
  readonly upstreamTimeoutMs: number;
  /** Forward-mode targets; default: UPSTREAM_URL's host and port only (issue #16). */
  readonly allowedHosts: readonly HostPattern[];
  /** PROXY_ALLOWED_HOSTS admits any host (`*`): logged as a warning at start. */
  readonly allowAnyHost: boolean;
  /** The key is the published assignment key: logged as a warning at start. */
  readonly publishedKey: boolean;
  readonly limits: ResourceLimits;
  readonly proxyName: string;
  readonly trustForwarded: boolean;
  readonly allowTrace: boolean;
  /** undefined = no limit. */
  readonly maxBodyBytes: number | undefined;
  readonly workers: number;
  readonly logLevel: LogLevel;
  readonly shutdownGraceMs: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  /** PROXY_AUTH and its settings (issue #24); undefined: nobody is authenticated, JWT_USER is signed. */
  readonly auth?: AuthConfig;
  /** TLS_CERT_FILE + TLS_KEY_FILE (+ TLS_CLIENT_CA_FILE): HTTPS on the proxy's port (issue #24); unset: HTTP. */
  readonly tls?: TlsSetting;
  /** TLS_CLIENT_CA_FILE without `mtls` in PROXY_AUTH: logged as a warning at start. */
  readonly clientCaUnused: boolean;
}

const MAX_MS = 86_400_000;

/** Parses UPSTREAM_URL: an absolute http(s) URL without query or fragment; its path is a prefix. */
export function parseUpstreamUrl(value: string): UpstreamTarget | { problem: string } {
  // `localhost:8081` parses as the scheme "localhost:" (WHATWG URL): name the fix instead (issue #23).
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    return { problem: `must start with http:// or https://, got "${value}"; did you mean "http://${value}"?` };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: `must be an absolute http:// or https:// URL, got "${value}"` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { problem: `must use http:// or https://, got "${url.protocol}"` };
  }
  if (url.search !== '' || url.hash !== '' || value.includes('?') || value.includes('#')) {
    return { problem: 'must not carry a query or fragment (its path is a prefix for every request)' };
  }
  if (url.username !== '' || url.password !== '') {
    return { problem: 'must not carry user information' };
  }
  const protocol = url.protocol;
  const defaultPort = protocol === 'https:' ? 443 : 80;
  const port = url.port === '' ? defaultPort : Number(url.port);
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const pathPrefix = url.pathname.replace(/\/+$/, '');
  return Object.freeze({ protocol, hostname, host: url.host, port, pathPrefix, href: url.href });
}

function readWorkers(env: EnvReader, cores: number): number {
  const value = env.raw('WORKERS')?.trim().toLowerCase();
  if (value === undefined) return 1;
  if (value === 'auto') return Math.max(1, cores);
  const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < 1 || parsed > 256) {
    env.problem('WORKERS', `must be an integer from 1 to 256 or "auto" (one per core), got "${value}"`, 'auto');
    return 1;
  }
  return parsed;
}

function readUpstream(reader: EnvReader): UpstreamTarget {
  const parsed = parseUpstreamUrl(reader.string('UPSTREAM_URL', DEFAULT_UPSTREAM_URL));
  if (!('problem' in parsed)) return parsed;
  reader.problem('UPSTREAM_URL', parsed.problem, 'http://127.0.0.1:8081/api');
  return parseUpstreamUrl(DEFAULT_UPSTREAM_URL) as UpstreamTarget;
}

function readSignedMethods(reader: EnvReader): ReadonlySet<string> {
  const methodsText = reader.raw('JWT_METHODS');
  if (methodsText === undefined) return new Set(DEFAULT_SIGNED_METHODS);
  const parsed = parseMethodList(methodsText);
  if (!('invalid' in parsed)) return parsed.methods;
  reader.problem(
    'JWT_METHODS',
    `must be a comma-separated list of HTTP method names, got invalid "${parsed.invalid.join('", "')}"`,
    'POST,PUT,PATCH',
  );
  return new Set(DEFAULT_SIGNED_METHODS);
}

/** Issue #16: by default forward mode reaches only UPSTREAM_URL's host:port. */
function readAllowedHosts(reader: EnvReader, upstream: UpstreamTarget): readonly HostPattern[] {
  const fallback = upstreamOnly(upstream.hostname, upstream.port);
  const allowedText = reader.raw('PROXY_ALLOWED_HOSTS');
  if (allowedText === undefined) return fallback;
  const parsed = parseAllowedHosts(allowedText);
  if (!('invalid' in parsed)) return parsed;
  reader.problem(
    'PROXY_ALLOWED_HOSTS',
    `must be a comma-separated list of host[:port] with * wildcards, got invalid "${parsed.invalid.join('", "')}"`,
    'api.example.com,*.internal:8080,[::1]:9000',
  );
  return fallback;
}

function readProxyName(reader: EnvReader): string {
  const proxyName = reader.string('PROXY_NAME', DEFAULT_PROXY_NAME);
  if (!isHttpToken(proxyName)) {
    reader.problem('PROXY_NAME', 'must be a token (RFC 9110 §5.6.2) usable as a Via pseudonym', DEFAULT_PROXY_NAME);
  }
  return proxyName;
}

/** The client-connection timeouts (slowloris guards); HEADERS_TIMEOUT_MS may not exceed REQUEST_TIMEOUT_MS. */
function readConnectionTimeouts(reader: EnvReader) {
  const headersTimeoutMs = reader.integer('HEADERS_TIMEOUT_MS', DEFAULT_HEADERS_TIMEOUT_MS, 1, MAX_MS, '10000');
  const requestTimeoutMs = reader.integer('REQUEST_TIMEOUT_MS', DEFAULT_REQUEST_TIMEOUT_MS, 1, MAX_MS, '300000');
  const keepAliveTimeoutMs = reader.integer('KEEP_ALIVE_TIMEOUT_MS', DEFAULT_KEEP_ALIVE_TIMEOUT_MS, 1, MAX_MS, '5000');
  if (headersTimeoutMs > requestTimeoutMs) {
    reader.problem(
      'HEADERS_TIMEOUT_MS',
      `must not exceed REQUEST_TIMEOUT_MS (${requestTimeoutMs})`,
      String(Math.min(DEFAULT_HEADERS_TIMEOUT_MS, requestTimeoutMs)),
    );
  }
  return { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs };
}

/** The TLS variables, their files read and checked now so a bad one stops the start (issue #24). */
function readTls(reader: EnvReader): TlsSetting | undefined {
  const setting = readTlsSetting(reader);
  if (setting === undefined) return undefined;
  const loaded = loadTlsMaterialSync(setting);
  if ('problems' in loaded) for (const { variable, constraint } of loaded.problems) reader.problem(variable, constraint, EXAMPLE_TLS_FILES[variable]);
  return setting;
}

const EXAMPLE_TLS_FILES = {
  TLS_CERT_FILE: '/etc/jwt-proxy/tls/cert.pem',
  TLS_KEY_FILE: '/etc/jwt-proxy/tls/key.pem',
  TLS_CLIENT_CA_FILE: '/etc/jwt-proxy/tls/clients-ca.pem',
} as const;

/**
 * Parses the proxy's environment. Throws one ConfigError naming every bad variable.
 * `cores` is injectable so tests pin WORKERS=auto.
 */
export function parseConfig(env: Env, cores: number = availableParallelism()): ProxyConfig {
  const reader = new EnvReader(env);
  const port = reader.integer('HTTP_PORT', DEFAULT_HTTP_PORT, 0, 65535, String(DEFAULT_HTTP_PORT));
  const host = reader.string('HOST', DEFAULT_HOST);
  const upstream = readUpstream(reader);
  const token = readTokenConfig(reader);
  const { profile, keys } = readSigningConfig(reader, token.key);
  // With JWT_KEYS_FILE the proxy never signs with JWT_SECRET, so its published default is harmless then.
  const publishedKey = keys.source === 'secret' ? checkPublishedKey(reader, token.key) : false;
  const user = reader.string('JWT_USER', DEFAULT_JWT_USER);
  const signedMethods = readSignedMethods(reader);
  const upstreamTimeoutMs = reader.integer('UPSTREAM_TIMEOUT_MS', DEFAULT_UPSTREAM_TIMEOUT_MS, 1, MAX_MS, '30000');
  const allowedHosts = readAllowedHosts(reader, upstream);
  const proxyName = readProxyName(reader);
  const trustForwarded = reader.boolean('PROXY_TRUST_FORWARDED', false);
  const allowTrace = reader.boolean('PROXY_ALLOW_TRACE', false);
  const maxBodyBytes =
    reader.raw('MAX_BODY_BYTES') === undefined
      ? undefined
      : reader.integer('MAX_BODY_BYTES', 0, 0, Number.MAX_SAFE_INTEGER, '10485760');
  const limits = readResourceLimits(reader);
  const workers = readWorkers(reader, cores);
  const logLevel = reader.oneOf('LOG_LEVEL', LOG_LEVELS, DEFAULT_LOG_LEVEL);
  const shutdownGraceMs = reader.integer(
    'SHUTDOWN_GRACE_MS',
    DEFAULT_SHUTDOWN_GRACE_MS,
    0,
    MAX_MS,
    String(DEFAULT_SHUTDOWN_GRACE_MS),
  );
  const timeouts = readConnectionTimeouts(reader);
  const auth = readAuthConfig(reader);
  const tls = readTls(reader);
  reader.finish();
  return Object.freeze({
    port,
    host,
    upstream,
    token: Object.freeze(token),
    profile,
    keys,
    user,
    signedMethods,
    upstreamTimeoutMs,
    allowedHosts,
    allowAnyHost: admitsAnyHost(allowedHosts),
    publishedKey,
    limits,
    proxyName,
    trustForwarded,
    allowTrace,
    maxBodyBytes,
    workers,
    logLevel,
    shutdownGraceMs,
    ...timeouts,
    // Absent, not undefined, without PROXY_AUTH: the parsed config stays as it was (issue #24).
    ...(auth === undefined ? {} : { auth }),
    ...(tls === undefined ? {} : { tls }),
    clientCaUnused: clientCaUnused(reader, tls),
  });
}
