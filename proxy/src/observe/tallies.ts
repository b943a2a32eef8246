/**
 * The proxy's metrics as plain numbers (issue #22): every request, connection and reload adds to a
 * number here and nothing else. observe/prometheus.ts reads them at scrape time; observe/metrics.ts
 * ties the two together. Labels are method, status, reason and the signing key only: never a
 * header value, the secret or a token.
 */

/** One count kept as a plain number on the hot path. */
export class PlainCount {
  value = 0;
  inc(): void {
    this.value += 1;
  }
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
 * Counts by label values, as plain numbers read at scrape time: jwt_proxy_auth_total by method and
 * result (issue #24), jwt_proxy_connections_refused_total by reason (issue #16). Bounded: every
 * caller passes names from closed unions (auth/authenticator.ts, server/connection-limits.ts's
 * RefusalReason), never client text.
 */
export class LabelTally {
  readonly #counts = new Map<string, number>();

  add(...values: readonly string[]): void {
    const key = values.join('\u0000');
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  /** Every (label values, count) seen so far, the values in the order `add` got them. */
  *entries(): Generator<readonly [readonly string[], number]> {
    for (const [key, count] of this.#counts) yield [key.split('\u0000'), count];
  }
}

/**
 * jwt_proxy_upstream_latency_seconds as plain numbers: one count per bucket, the sum and the count.
 * A value goes to the first bucket whose upper bound is >= it (Prometheus' `le`), as prom-client's
 * Histogram does; above the last bound it counts only in +Inf (= count).
 */
export class LatencyHistogram {
  /** Upper bounds in seconds, ascending. */
  static readonly BUCKETS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
  readonly counts: number[] = LatencyHistogram.BUCKETS.map(() => 0);
  sum = 0;
  count = 0;

  observe(seconds: number): void {
    const buckets = LatencyHistogram.BUCKETS;
    let i = 0;
    while (i < buckets.length && seconds > (buckets[i] ?? Infinity)) i += 1;
    if (i < buckets.length) this.counts[i] = (this.counts[i] ?? 0) + 1;
    this.sum += seconds;
    this.count += 1;
  }
}

export interface SigningKeyInfo {
  /** '' for JWT_SECRET. */
  readonly kid: string;
  readonly alg: string;
}

export interface MetricNumbers {
  /** jwt_proxy_requests_total's numbers: RequestTally.add per request. */
  readonly requests: RequestTally;
  readonly upstreamLatency: LatencyHistogram;
  /** jwt_proxy_tokens_signed_total. */
  readonly tokensSigned: PlainCount;
  /** Client connections closed at once by MAX_CONNECTIONS / MAX_CONNECTIONS_PER_CLIENT (issue #16). */
  readonly connectionsRefused: LabelTally;
  /** SIGHUP key reloads that took effect / that kept the old keys (issue #12). */
  readonly keyReloads: PlainCount;
  readonly keyReloadFailures: PlainCount;
  /** The key that signs now (jwt_proxy_signing_key_info is 1 for it); undefined until the app sets it. */
  signingKey: SigningKeyInfo | undefined;
  /** jwt_proxy_auth_total's numbers (PROXY_AUTH, issue #24). */
  readonly auth: LabelTally;
}
