/**
 * The Prometheus registry over the plain numbers of observe/tallies.ts, loaded with prom-client on
 * the first GET /metrics (issue #22): a registry of our own (not prom-client's global one), so each
 * app and each test is isolated. Every metric reads its numbers at scrape time in `collect()`; the
 * request path never calls prom-client.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Histogram } from 'prom-client';
import { LatencyHistogram, type MetricNumbers } from './tallies.js';

export interface RegistryOptions {
  /** prom-client's process and Node.js metrics beside ours. */
  readonly defaultMetrics: boolean;
}

export function createRegistry(metrics: MetricNumbers, options: RegistryOptions): Registry {
  const registry = new Registry();
  // Process and Node.js metrics from the first scrape on: CPU, memory and handles are read from the
  // process as they are; the event-loop and GC histograms count from then (README, Own endpoints).
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  counterFrom(registry, 'jwt_proxy_requests_total', 'Requests that entered the forwarding path, by method and response status (0 = client went away)', ['method', 'status'], () =>
    [...metrics.requests.entries()].map(([method, status, count]) => [[method, String(status)], count]),
  );
  registry.registerMetric(latencyMetric('jwt_proxy_upstream_latency_seconds', 'Time from a request entering the proxy to the upstream response headers', metrics.upstreamLatency));
  counterFrom(registry, 'jwt_proxy_tokens_signed_total', 'Tokens signed and attached to forwarded requests', [], () => [[[], metrics.tokensSigned.value]]);
  counterFrom(registry, 'jwt_proxy_connections_refused_total', 'Client connections refused with 503 by a connection cap (reason: total or per_client)', ['reason'], () => metrics.connectionsRefused.entries());
  counterFrom(registry, 'jwt_proxy_key_reloads_total', 'Reloads of JWT_KEYS_FILE (SIGHUP) that took effect; summed over workers', [], () => [[[], metrics.keyReloads.value]]);
  counterFrom(registry, 'jwt_proxy_key_reload_failures_total', 'Reloads of JWT_KEYS_FILE that failed and kept the old keys; summed over workers', [], () => [[[], metrics.keyReloadFailures.value]]);
  new Gauge({
    name: 'jwt_proxy_signing_key_info',
    help: 'The key new tokens are signed with (kid is empty for JWT_SECRET); 1 per active kid',
    labelNames: ['kid', 'alg'] as const,
    registers: [registry],
    // Under WORKERS the primary aggregates: every worker reports 1 for its kid, not a sum.
    aggregator: 'max',
    collect() {
      this.reset();
      const key = metrics.signingKey;
      if (key !== undefined) this.set({ kid: key.kid, alg: key.alg }, 1);
    },
  });
  counterFrom(registry, 'jwt_proxy_auth_total', 'Client authentications (PROXY_AUTH) by method (none: no credential found) and result', ['method', 'result'], () => metrics.auth.entries());
  return registry;
}

/** Label values in the order of the counter's label names, and the count. */
type Row = readonly [readonly string[], number];

/** A Prometheus counter whose numbers live in a plain tally and are handed over at every scrape. */
function counterFrom(registry: Registry, name: string, help: string, labelNames: readonly string[], rows: () => Iterable<Row>): void {
  new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const [values, count] of rows()) {
        this.inc(Object.fromEntries(labelNames.map((label, i) => [label, values[i] ?? ''])), count);
      }
    },
  });
}

/**
 * A histogram whose buckets live in a LatencyHistogram. prom-client's Histogram can only be fed
 * one observation at a time and has no public way to set a bucket, so this is a metric object of
 * our own: the one place that relies on prom-client's Registry accepting any object with `name`,
 * `help`, `type`, `aggregator` and `get()` (what Registry.metrics() and getMetricsAsJSON(), and so
 * the AggregatorRegistry under WORKERS, read). prometheus.test.ts pins that its text and JSON equal
 * a real Histogram's given the same observations, so a prom-client upgrade that changes this fails
 * there.
 */
function latencyMetric(name: string, help: string, histogram: LatencyHistogram): Histogram {
  const head = { name, help, type: 'histogram', aggregator: 'sum' } as const;
  const metric = {
    ...head,
    get: async () => ({ ...head, values: histogramValues(name, histogram) }),
    reset: () => undefined,
  };
  // Not a Histogram instance; what the Registry reads of one (above). index.d.ts even types `type`
  // as an enum that prom-client does not export, while its code writes and reads strings.
  return metric as unknown as Histogram;
}

/** One line of the exposition: prom-client's shape of a value (Registry.getMetricsAsString). */
interface ExportedValue {
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
  readonly metricName: string;
}

function histogramValues(name: string, histogram: LatencyHistogram): ExportedValue[] {
  let cumulative = 0;
  const buckets = LatencyHistogram.BUCKETS.map((le, i) => {
    cumulative += histogram.counts[i] ?? 0;
    return { labels: { le }, value: cumulative, metricName: `${name}_bucket` };
  });
  return [
    ...buckets,
    { labels: { le: '+Inf' }, value: histogram.count, metricName: `${name}_bucket` },
    { labels: {}, value: histogram.sum, metricName: `${name}_sum` },
    { labels: {}, value: histogram.count, metricName: `${name}_count` },
  ];
}
