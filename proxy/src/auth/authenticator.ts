/**
 * Who the client is (issue #24): PROXY_AUTH's methods, tried in order. A method that finds no
 * credential of its kind passes to the next; the first method that finds one decides, so a
 * wrong password never falls through to a weaker method. No method finding a credential is a
 * challenge: 407 Proxy-Authenticate in forward mode, 401 WWW-Authenticate in reverse mode
 * (RFC 9110 §11.6.1, §11.7.1), with the Basic challenge only when `basic` is listed (there is
 * no HTTP scheme to name a TLS client certificate or a front proxy's header).
 *
 * The answer is synchronous unless bcrypt must run: a cached credential, a certificate and a
 * trusted header cost a hash or a map lookup, never a Promise.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { AuthConfig, AuthMethod } from '../config/auth-config.js';
import type { ProxyErrorCode } from '../http/errors.js';
import { basicChallenge, isBasic, parseBasic } from './basic.js';
import { createBcryptPool } from './bcrypt-pool.js';
import type { BcryptCompare } from './bcrypt-pool.js';
import { BcryptGate, DEFAULT_BCRYPT_CONCURRENCY, DEFAULT_BCRYPT_QUEUE } from './bcrypt-gate.js';
import { CredentialCache, DEFAULT_CACHE_ENTRIES, DEFAULT_CACHE_TTL_MS, credentialDigest } from './credential-cache.js';
import { DEFAULT_FAILURE_WINDOW_MS, DEFAULT_MAX_FAILURES, DEFAULT_MAX_TRACKED_CLIENTS, FailureLimiter } from './failure-limiter.js';
import { UsersFile } from './users-file.js';
import { isValidUserName } from './user-name.js';

export interface AuthRequest {
  /** Forward mode (absolute-form target): the credential is Proxy-Authorization, the answer 407. */
  readonly forward: boolean;
  readonly headers: IncomingHttpHeaders;
  readonly socket: Socket;
  /** The client's key for the failure limit (pipeline/client-key.ts). */
  readonly client: string;
  /** PROXY_IDENTITY_HEADER's value, taken only from a trusted peer; undefined otherwise. */
  readonly identity: string | undefined;
}

export type AuthOutcome =
  | { readonly ok: true; readonly user: string; readonly method: AuthMethod }
  | { readonly ok: false; readonly code: ProxyErrorCode; readonly headers?: Readonly<Record<string, string>> };

/** What /metrics counts: the method that decided ('none' when no credential was found) and the result. */
export type AuthResult = 'success' | 'cached' | 'failure' | 'missing' | 'rate_limited' | 'busy' | 'invalid_name';
export type AuthCount = (method: AuthMethod | 'none', result: AuthResult) => void;

export interface AuthTuning {
  readonly cacheEntries: number;
  readonly cacheTtlMs: number;
  readonly maxFailures: number;
  readonly failureWindowMs: number;
  readonly maxTrackedClients: number;
  readonly bcryptConcurrency: number;
  readonly bcryptQueue: number;
}

export const DEFAULT_AUTH_TUNING: AuthTuning = Object.freeze({
  cacheEntries: DEFAULT_CACHE_ENTRIES,
  cacheTtlMs: DEFAULT_CACHE_TTL_MS,
  maxFailures: DEFAULT_MAX_FAILURES,
  failureWindowMs: DEFAULT_FAILURE_WINDOW_MS,
  maxTrackedClients: DEFAULT_MAX_TRACKED_CLIENTS,
  bcryptConcurrency: DEFAULT_BCRYPT_CONCURRENCY,
  bcryptQueue: DEFAULT_BCRYPT_QUEUE,
});

export interface Authenticator {
  readonly authenticate: (request: AuthRequest) => AuthOutcome | Promise<AuthOutcome>;
  /** PROXY_USERS_FILE, for the SIGHUP reload; undefined without `basic`. */
  readonly usersFile: UsersFile | undefined;
  /** The Basic field of this request is the proxy's credential (reverse mode): never forwarded. */
  readonly basicInAuthorization: boolean;
  /** Stops the bcrypt workers. */
  readonly close: () => Promise<void>;
}

/** A method's verdict: `undefined` = no credential of this kind, try the next method. */
type Verdict = AuthOutcome | Promise<AuthOutcome> | undefined;

export interface AuthenticatorOptions {
  readonly config: AuthConfig;
  readonly count: AuthCount;
  /** Epoch or monotonic milliseconds: the cache TTL and the failure window. */
  readonly now: () => number;
  readonly tuning?: Partial<AuthTuning>;
  /** bcrypt's comparison; default worker threads (bcrypt-pool.ts), bcryptConcurrency of them. */
  readonly compare?: BcryptCompare;
}

export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const { config, count } = options;
  const tuning = { ...DEFAULT_AUTH_TUNING, ...options.tuning };
  const cache = new CredentialCache({ maxEntries: tuning.cacheEntries, ttlMs: tuning.cacheTtlMs, now: options.now });
  const usersFile = config.usersFile === undefined ? undefined : new UsersFile(config.usersFile, config.users, () => cache.clear());
  const refusal = createRefusal(config);
  const pool = options.compare === undefined ? createBcryptPool(tuning.bcryptConcurrency) : undefined;
  const compare = options.compare ?? (pool as NonNullable<typeof pool>).compare;
  const methods: Record<AuthMethod, (request: AuthRequest) => Verdict> = {
    basic: usersFile === undefined ? () => undefined : createBasicMethod({ usersFile, cache, tuning, now: options.now, count, refusal, compare }),
    mtls: (request) => certificateVerdict(request, count, refusal),
    header: (request) => (request.identity === undefined ? undefined : named('header', request.identity, 'success', count)),
  };
  const order = config.methods.map((method) => methods[method]);
  return {
    authenticate(request) {
      for (const method of order) {
        const verdict = method(request);
        if (verdict !== undefined) return verdict;
      }
      count('none', 'missing');
      return refusal(request.forward);
    },
    usersFile,
    basicInAuthorization: config.methods.includes('basic'),
    close: async () => pool?.close(),
  };
}

type Refusal = (forward: boolean) => AuthOutcome;

/** 401/407, with the Basic challenge when `basic` is listed. */
function createRefusal(config: AuthConfig): Refusal {
  const challenge = config.methods.includes('basic') ? basicChallenge(config.realm) : undefined;
  const forward: AuthOutcome = { ok: false, code: 'PROXY_AUTH_REQUIRED', ...(challenge && { headers: { 'proxy-authenticate': challenge } }) };
  const reverse: AuthOutcome = { ok: false, code: 'AUTH_REQUIRED', ...(challenge && { headers: { 'www-authenticate': challenge } }) };
  return (isForward) => (isForward ? forward : reverse);
}

/** A name that passed its method: checked before it may be signed. */
function named(method: AuthMethod, user: string, result: AuthResult, count: AuthCount): AuthOutcome {
  if (!isValidUserName(user)) {
    count(method, 'invalid_name');
    return { ok: false, code: 'IDENTITY_INVALID' };
  }
  count(method, result);
  return { ok: true, user, method };
}

/**
 * mtls: a certificate that verified against TLS_CLIENT_CA_FILE names the user by its subject CN.
 * A certificate sent but not verified is a failed credential (refused, not passed on).
 */
function certificateVerdict(request: AuthRequest, count: AuthCount, refusal: Refusal): Verdict {
  const socket = request.socket;
  if (!(socket instanceof TLSSocket)) return undefined;
  const certificate = socket.getPeerCertificate();
  if (certificate === null || Object.keys(certificate).length === 0) return undefined;
  if (!socket.authorized) {
    count('mtls', 'failure');
    return refusal(request.forward);
  }
  // Several CNs come as an array: which one names the user would be a guess, so none does.
  const cn: unknown = certificate.subject?.CN;
  return named('mtls', typeof cn === 'string' ? cn : '', 'success', count);
}

interface BasicOptions {
  readonly usersFile: UsersFile;
  readonly cache: CredentialCache;
  readonly tuning: AuthTuning;
  readonly now: () => number;
  readonly count: AuthCount;
  readonly refusal: Refusal;
  readonly compare: BcryptCompare;
}

/** basic: the cache first (a hash), then the failure limit, then bcrypt through the gate. */
function createBasicMethod(options: BasicOptions): (request: AuthRequest) => Verdict {
  const { usersFile, cache, tuning, count, refusal, compare } = options;
  const limiter = new FailureLimiter({
    maxFailures: tuning.maxFailures,
    windowMs: tuning.failureWindowMs,
    maxClients: tuning.maxTrackedClients,
    now: options.now,
  });
  const gate = new BcryptGate({ concurrency: tuning.bcryptConcurrency, queue: tuning.bcryptQueue });
  /** Comparisons running now, by the digest's base64 (the cache's key). */
  const inFlight = new Map<string, Promise<boolean>>();
  const failed = (request: AuthRequest): AuthOutcome => {
    limiter.fail(request.client);
    count('basic', 'failure');
    return refusal(request.forward);
  };
  return (request) => {
    const field = request.forward ? request.headers['proxy-authorization'] : request.headers.authorization;
    if (field === undefined || !isBasic(field)) return undefined;
    const digest = credentialDigest(field);
    const cached = cache.get(digest);
    if (cached !== undefined) return named('basic', cached, 'cached', count);
    const retryAfter = limiter.retryAfter(request.client);
    if (retryAfter > 0) {
      count('basic', 'rate_limited');
      return { ok: false, code: 'AUTH_RATE_LIMITED', headers: { 'retry-after': String(retryAfter) } };
    }
    const credential = parseBasic(field);
    if (credential === undefined) return failed(request);
    const hash = usersFile.hashOf(credential.user);
    // The same header value already being checked (a client opening its pool of connections at once)
    // waits for that one comparison instead of queueing another: one bcrypt per credential, not 64.
    const key = digest.toString('base64');
    let compared = inFlight.get(key);
    if (compared === undefined) {
      // An unknown name pays a comparison too, against a hash of the same cost: the time does not say who exists.
      compared = gate.run(() => compare(credential.password, hash ?? usersFile.sampleHash ?? DUMMY_HASH));
      if (compared === undefined) {
        count('basic', 'busy');
        return { ok: false, code: 'AUTH_BUSY', headers: { 'retry-after': '1' } };
      }
      // At most the gate's concurrency + queue entries: only a comparison the gate took is kept.
      inFlight.set(key, compared);
      const forget = (): boolean => inFlight.delete(key);
      compared.then(forget, forget);
    }
    return compared.then((matches) => {
      if (!matches || hash === undefined) return failed(request);
      cache.set(digest, credential.user);
      return named('basic', credential.user, 'success', count);
    });
  };
}

/** A bcrypt hash of nothing anyone knows, for an empty users file: cost 10, what htpasswd -B writes. */
const DUMMY_HASH = '$2y$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy';
