/**
 * Prometheus metrics on a registry of our own (not prom-client's global one),
 * so each app and each test is isolated. Labels are method and status only:
 * never a header value, the secret or a token.
 *
 * The per-request counts are plain numbers (RequestTally, PlainCount): prom-client is handed
 * them at scrape time through each metric's `collect()`, so a request never pays for
 * prom-client's label hashing (issue #22).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One count kept as a plain number on the hot path. */
export class PlainCount {
  value = 0;
  inc(): void {
    this.value += 1;
  }
}

/**
 * Forwarded requests by method label and status, as plain numbers. Bounded: at most
 * KNOWN_METHODS + OTHER method labels, and Node only writes statuses 100-999 (0 = no response).
 */
export class RequestTally {
  readonly #byMethod = new Map<string, Map<number, number>>();

  add(method: string | undefined, status: number): void {
    const label = methodLabel(method);
    let byStatus = this.#byMethod.get(label);
    if (byStatus === undefined) {
      byStatus = new Map();
      this.#byMethod.set(label, byStatus);
    }
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  }

  /** Every (method, status, count) seen so far. */
  *entries(): Generator<readonly [string, number, number]> {
    for (const [method, byStatus] of this.#byMethod) {
      for (const [status, count] of byStatus) yield [method, status, count];
    }
  }
}

/**
 * Authentication outcomes by method and result (issue #24), plain numbers read at scrape time.
 * Bounded: the callers pass names from closed unions (auth/authenticator.ts), never client text.
 */
export class AuthTally {
  readonly #counts = new Map<string, number>();

  add(method: string, result: string): void {
    const key = `${method}\u0000${result}`;
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  *entries(): Generator<readonly [string, string, number]> {
    for (const [key, count] of this.#counts) {
      const [method = '', result = ''] = key.split('\u0000');
      yield [method, result, count];
    }
  }
}

export interface ProxyMetrics {
  readonly registry: Registry;
  /** jwt_proxy_requests_total's numbers: RequestTally.add per request, read at scrape time. */
  readonly requests: RequestTally;
  readonly upstreamLatency: Histogram;
  /** jwt_proxy_tokens_signed_total's number, read at scrape time. */
  readonly tokensSigned: PlainCount;
  /** Client connections closed at once by MAX_CONNECTIONS / MAX_CONNECTIONS_PER_CLIENT (issue #16). */
  readonly connectionsRefused: Counter<'reason'>;
  /** SIGHUP key reloads that took effect / that kept the old keys (issue #12). */
  readonly keyReloads: Counter;
  readonly keyReloadFailures: Counter;
  /** 1 for the key that signs now, labelled by kid ('' for JWT_SECRET) and alg. */
  readonly signingKey: Gauge<'kid' | 'alg'>;
  /** jwt_proxy_auth_total's numbers (PROXY_AUTH, issue #24). */
  readonly auth: AuthTally;
}

/** Points the signing-key gauge at `kid`/`alg`: the old series goes, so exactly one is 1. */
export function setSigningKey(metrics: ProxyMetrics, kid: string | undefined, alg: string): void {
  metrics.signingKey.reset();
  metrics.signingKey.set({ kid: kid ?? '', alg }, 1);
}

/** Methods kept as labels; anything else is "OTHER", so a client cannot grow the label set. */
const KNOWN_METHODS: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'TRACE',
  'CONNECT',
]);

export function methodLabel(method: string | undefined): string {
  return method !== undefined && KNOWN_METHODS.has(method) ? method : 'OTHER';
}

export function createMetrics(options: { readonly defaultMetrics: boolean }): ProxyMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  const requests = new RequestTally();
  counterFromTally(registry, 'jwt_proxy_requests_total', 'Requests that entered the forwarding path, by method and response status (0 = client went away)', ['method', 'status'], () => requests.entries());
  const upstreamLatency = new Histogram({
    name: 'jwt_proxy_upstream_latency_seconds',
    help: 'Time from a request entering the proxy to the upstream response headers',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const tokensSigned = new PlainCount();
  new Counter({
    name: 'jwt_proxy_tokens_signed_total',
    help: 'Tokens signed and attached to forwarded requests',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(tokensSigned.value);
    },
  });
  const connectionsRefused = new Counter({
    name: 'jwt_proxy_connections_refused_total',
    help: 'Client connections refused with 503 by a connection cap (reason: total or per_client)',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const keyReloads = new Counter({
    name: 'jwt_proxy_key_reloads_total',
    help: 'Reloads of JWT_KEYS_FILE (SIGHUP) that took effect; summed over workers',
    registers: [registry],
  });
  const keyReloadFailures = new Counter({
    name: 'jwt_proxy_key_reload_failures_total',
    help: 'Reloads of JWT_KEYS_FILE that failed and kept the old keys; summed over workers',
    registers: [registry],
  });
  const signingKey = new Gauge({
    name: 'jwt_proxy_signing_key_info',
    help: 'The key new tokens are signed with (kid is empty for JWT_SECRET); 1 per active kid',
    labelNames: ['kid', 'alg'] as const,
    registers: [registry],
    // Under WORKERS the primary aggregates: every worker reports 1 for its kid, not a sum.
    aggregator: 'max',
  });
  const auth = registerAuthTally(registry);
  return { registry, requests, upstreamLatency, tokensSigned, connectionsRefused, keyReloads, keyReloadFailures, signingKey, auth };
}

/** jwt_proxy_auth_total, filled from the tally at scrape time (issue #24). */
function registerAuthTally(registry: Registry): AuthTally {
  const auth = new AuthTally();
  counterFromTally(registry, 'jwt_proxy_auth_total', 'Client authentications (PROXY_AUTH) by method (none: no credential found) and result', ['method', 'result'], () => auth.entries());
  return auth;
}

/**
 * A Prometheus counter whose numbers live in a plain tally on the hot path and are handed over
 * only at scrape time (issue #22): one definition for every such counter.
 */
function counterFromTally(
  registry: Registry,
  name: string,
  help: string,
  labels: readonly [string, string],
  entries: () => Iterable<readonly [string, string | number, number]>,
): void {
  const [first, second] = labels;
  new Counter({
    name,
    help,
    labelNames: labels,
    registers: [registry],
    collect() {
      this.reset();
      for (const [a, b, count] of entries()) this.inc({ [first]: a, [second]: b }, count);
    },
  });
}
