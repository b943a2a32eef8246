/**
 * The mock upstream's configuration, parsed once from the environment.
 * JWT_SECRET, JWT_SECRET_ENCODING and JWT_HEADER go through contracts'
 * readTokenConfig, so the mock accepts and refuses exactly what the proxy does.
 */
import { DEFAULT_SIGNED_METHODS, EnvReader, parseJwkSet, parseMethodList, readTokenConfig } from '../../../contracts/src/index.js';
import type { Env, SetKey, TokenConfig } from '../../../contracts/src/index.js';
import { readKeyFileTextSync } from '../../../contracts/src/jwk-set-file.js';
import { defaultAllowedHosts, hostName } from '../http/host-guard.js';
import type { AllowedHosts } from '../http/host-guard.js';

/** HTTP_PORT default: the proxy's default UPSTREAM_URL points here. */
export const DEFAULT_HTTP_PORT = 8081;
/** HOST default: every interface, as in a container. */
export const DEFAULT_HOST = '0.0.0.0';
/** MOCK_REQUIRE_TOKEN default: record and answer every request, valid token or not. */
export const DEFAULT_REQUIRE_TOKEN = false;
/** MOCK_CLOCK_SKEW_S default: how far in the future `iat` may be. */
export const DEFAULT_CLOCK_SKEW_S = 60;
/** MOCK_MAX_AGE_S default: how far in the past `iat` may be; also the replay window. */
export const DEFAULT_MAX_AGE_S = 300;
/** MOCK_JOURNAL_SIZE default: entries kept in memory (and on load from the file). */
export const DEFAULT_JOURNAL_SIZE = 1000;
/** MOCK_BODY_LIMIT default: body bytes kept per entry (64 KiB); size and sha256 are always recorded. */
export const DEFAULT_BODY_LIMIT = 65_536;
/** Upper bounds keep a typo from turning the mock into a memory hog. */
export const MAX_JOURNAL_SIZE = 1_000_000;
export const MAX_BODY_LIMIT = 64 * 1024 * 1024;
/** MOCK_SESSION_HEADER default: the header whose value an entry records as its session (issue 13). */
export const DEFAULT_SESSION_HEADER = 'x-mock-session';
/**
 * MOCK_MAX_STUBS and MOCK_MAX_STUB_BYTES defaults (issue #21, item 3): the stubs' memory is bounded by
 * their product (12.5 MiB of definitions; RSS +78 MB measured after 1,200 POSTs of 128 KiB, 100 kept,
 * where 1,200 of 149 KB used to take +344 MB). A MOCK_BODY_LIMIT body, base64-encoded, fits in one stub.
 */
export const DEFAULT_MAX_STUBS = 100;
export const DEFAULT_MAX_STUB_BYTES = 131_072;
/** MOCK_SSE_BUFFER_BYTES default: unread bytes an event subscriber may hold before it is dropped (1 MiB). */
export const DEFAULT_SSE_BUFFER_BYTES = 1_048_576;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/** LOG_LEVEL default: start-up, shutdown and warnings; `debug` adds one line per recorded request. */
export const DEFAULT_LOG_LEVEL: LogLevel = 'info';
/** MOCK_JWKS_COOLDOWN_MS default: jose's own, the least time between two fetches of the JWKS. */
export const DEFAULT_JWKS_COOLDOWN_MS = 30_000;

/** Token profile verification (issue #12); every field is off unless set. */
export interface MockProfileConfig {
  /** MOCK_KEYS_FILE's keys (a JWK Set: HMAC keys, or public keys), empty when unset. */
  readonly fileKeys: readonly SetKey[];
  /** MOCK_JWKS_URL: the proxy's /.well-known/jwks.json, for tokens whose kid is not in the file. */
  readonly jwksUrl: URL | undefined;
  readonly jwksCooldownMs: number;
  /** MOCK_ISSUER: `iss` must equal it. */
  readonly issuer: string | undefined;
  /** MOCK_AUDIENCE: comma list; `aud` must name one of them. */
  readonly audiences: readonly string[] | undefined;
}

export interface MockConfig {
  readonly port: number;
  readonly host: string;
  readonly token: TokenConfig;
  readonly profile: MockProfileConfig;
  readonly requireToken: boolean;
  readonly clockSkewS: number;
  readonly maxAgeS: number;
  readonly journalSize: number;
  readonly bodyLimit: number;
  /** Append-only JSON Lines journal; undefined keeps the journal in memory only. */
  readonly journalFile: string | undefined;
  readonly logLevel: LogLevel;
  /** Lower-case name of the session header. */
  readonly sessionHeader: string;
  /** Host names the /__mock API and page answer (MOCK_ALLOWED_HOSTS). */
  readonly allowedHosts: AllowedHosts;
  readonly sseBufferBytes: number;
  /** Stubs kept at once (MOCK_MAX_STUBS); one more is 409 TOO_MANY_STUBS. */
  readonly maxStubs: number;
  /** Bytes of one stub definition (MOCK_MAX_STUB_BYTES); more is 413 STUB_TOO_LARGE. */
  readonly maxStubBytes: number;
  /** Seed of the fault-probability generator (MOCK_FAULT_SEED); undefined: not reproducible. */
  readonly faultSeed: number | undefined;
  /**
   * MOCK_SIGNED_METHODS: the methods the proxy signs (mirror its JWT_METHODS; default POST). A
   * request of another method without a token is shown as unsigned, as expected, not invalid (issue 23).
   */
  readonly signedMethods: ReadonlySet<string>;
}

const FIELD_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HOST_NAME = /^[0-9a-z.:_-]+$/;

function readSessionHeader(reader: EnvReader): string {
  const name = reader.string('MOCK_SESSION_HEADER', DEFAULT_SESSION_HEADER).toLowerCase();
  if (!FIELD_NAME.test(name)) reader.problem('MOCK_SESSION_HEADER', 'must be an HTTP field name (RFC 9110 §5.1)', DEFAULT_SESSION_HEADER);
  return name;
}

/** MOCK_ALLOWED_HOSTS: comma-separated names (ports ignored), or `*` for any Host. */
function readAllowedHosts(reader: EnvReader, listenHost: string): AllowedHosts {
  const raw = reader.raw('MOCK_ALLOWED_HOSTS')?.trim();
  if (raw === undefined || raw === '') return new Set(defaultAllowedHosts(listenHost));
  if (raw === '*') return '*';
  const names = raw.split(',').map((item) => hostName(item)).filter((name) => name !== '');
  if (names.length === 0 || !names.every((name) => HOST_NAME.test(name))) {
    reader.problem('MOCK_ALLOWED_HOSTS', 'must be * or a comma-separated list of host names or addresses', 'localhost,127.0.0.1,mock-upstream');
  }
  return new Set(names);
}

function readSignedMethods(reader: EnvReader): ReadonlySet<string> {
  const raw = reader.raw('MOCK_SIGNED_METHODS');
  if (raw === undefined) return new Set(DEFAULT_SIGNED_METHODS);
  const parsed = parseMethodList(raw);
  if ('invalid' in parsed) {
    reader.problem('MOCK_SIGNED_METHODS', `must be a comma-separated list of HTTP methods, the proxy's JWT_METHODS; invalid: ${parsed.invalid.map((m) => JSON.stringify(m)).join(', ')}`, 'POST,PUT');
    return new Set(DEFAULT_SIGNED_METHODS);
  }
  return parsed.methods;
}

function readFaultSeed(reader: EnvReader): number | undefined {
  if (reader.raw('MOCK_FAULT_SEED') === undefined) return undefined;
  return reader.integer('MOCK_FAULT_SEED', 0, 0, 4_294_967_295, '42');
}

/** Parses the environment; throws one ConfigError naming every invalid variable. */
export function parseConfig(env: Env): MockConfig {
  const reader = new EnvReader(env);
  const token = readTokenConfig(reader);
  const host = reader.string('HOST', DEFAULT_HOST);
  const config: MockConfig = {
    port: reader.integer('HTTP_PORT', DEFAULT_HTTP_PORT, 0, 65_535, '8081'),
    host,
    token: Object.freeze(token),
    profile: readProfileConfig(reader),
    requireToken: reader.boolean('MOCK_REQUIRE_TOKEN', DEFAULT_REQUIRE_TOKEN),
    clockSkewS: reader.integer('MOCK_CLOCK_SKEW_S', DEFAULT_CLOCK_SKEW_S, 0, 86_400, '60'),
    maxAgeS: reader.integer('MOCK_MAX_AGE_S', DEFAULT_MAX_AGE_S, 1, 31_536_000, '300'),
    journalSize: reader.integer('MOCK_JOURNAL_SIZE', DEFAULT_JOURNAL_SIZE, 1, MAX_JOURNAL_SIZE, '1000'),
    bodyLimit: reader.integer('MOCK_BODY_LIMIT', DEFAULT_BODY_LIMIT, 0, MAX_BODY_LIMIT, '65536'),
    journalFile: reader.raw('MOCK_JOURNAL_FILE')?.trim(),
    logLevel: reader.oneOf('LOG_LEVEL', LOG_LEVELS, DEFAULT_LOG_LEVEL),
    sessionHeader: readSessionHeader(reader),
    allowedHosts: readAllowedHosts(reader, host),
    sseBufferBytes: reader.integer('MOCK_SSE_BUFFER_BYTES', DEFAULT_SSE_BUFFER_BYTES, 1024, 1_073_741_824, '1048576'),
    faultSeed: readFaultSeed(reader),
    signedMethods: readSignedMethods(reader),
    maxStubs: reader.integer('MOCK_MAX_STUBS', DEFAULT_MAX_STUBS, 1, 100_000, '100'),
    maxStubBytes: reader.integer('MOCK_MAX_STUB_BYTES', DEFAULT_MAX_STUB_BYTES, 256, MAX_BODY_LIMIT, '131072'),
  };
  reader.finish();
  return Object.freeze(config);
}

function readKeysFile(reader: EnvReader): readonly SetKey[] {
  const path = reader.raw('MOCK_KEYS_FILE')?.trim();
  if (path === undefined) return [];
  // A regular file only, size-capped, never a FIFO that would hang the start (issue #21 item 9).
  const read = readKeyFileTextSync(path);
  if ('problem' in read) {
    reader.problem('MOCK_KEYS_FILE', `must be a readable JWK Set file: ${read.problem}`, '/keys/jwt-keys.json');
    return [];
  }
  const parsed = parseJwkSet(read.text, { signing: false });
  if ('problems' in parsed) {
    reader.problem('MOCK_KEYS_FILE', `must be a valid JWK Set: ${path}: ${parsed.problems.join('; ')}`, '/keys/jwt-keys.json');
    return [];
  }
  return parsed.keys;
}

function readJwksUrl(reader: EnvReader): URL | undefined {
  const text = reader.raw('MOCK_JWKS_URL')?.trim();
  if (text === undefined) return undefined;
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    // A value without "://" most likely lacks only the scheme (issue #23): suggest it.
    const hint = text.includes('://') ? '' : `; did you mean "http://${text}"?`;
    reader.problem('MOCK_JWKS_URL', `must be an absolute http:// or https:// URL, got "${text}"${hint}`, 'http://proxy:8080/.well-known/jwks.json');
    return undefined;
  }
  return url;
}

function readProfileConfig(reader: EnvReader): MockProfileConfig {
  const audienceText = reader.raw('MOCK_AUDIENCE');
  const audiences = audienceText?.split(',').map((name) => name.trim()).filter((name) => name.length > 0);
  if (audiences !== undefined && audiences.length === 0) {
    reader.problem('MOCK_AUDIENCE', 'must name at least one audience (comma-separated)', 'orders-api');
  }
  return Object.freeze({
    fileKeys: readKeysFile(reader),
    jwksUrl: readJwksUrl(reader),
    jwksCooldownMs: reader.integer('MOCK_JWKS_COOLDOWN_MS', DEFAULT_JWKS_COOLDOWN_MS, 0, 3_600_000, '30000'),
    issuer: reader.raw('MOCK_ISSUER')?.trim(),
    audiences: audiences?.length === 0 ? undefined : audiences,
  });
}
