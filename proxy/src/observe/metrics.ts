/**
 * The proxy's metrics: the plain numbers of observe/tallies.ts, which the request path adds to,
 * and the Prometheus registry over them. prom-client is not loaded until the first GET /metrics
 * (issue #22): observe/prometheus.ts builds the registry then and reads the numbers at every
 * scrape through each metric's `collect()`, so a process that is never scraped neither loads it
 * nor keeps its objects.
 */
import type { Registry } from 'prom-client';
import type { RegistryOptions, createRegistry } from './prometheus.js';
import { LabelTally, LatencyHistogram, PlainCount, RequestTally, type MetricNumbers } from './tallies.js';

export interface ProxyMetrics extends MetricNumbers {
  /**
   * The Prometheus registry over these numbers, built (and prom-client loaded) on the first call;
   * every later call returns the same one.
   */
  readonly registry: () => Promise<Registry>;
}

/** Points jwt_proxy_signing_key_info at `kid`/`alg`: the old series goes, so exactly one is 1. */
export function setSigningKey(metrics: ProxyMetrics, kid: string | undefined, alg: string): void {
  metrics.signingKey = { kid: kid ?? '', alg };
}

/** How the registry module is loaded: a dynamic import; tests hand in one that fails. */
export type LoadPrometheus = () => Promise<{ readonly createRegistry: typeof createRegistry }>;

const loadPrometheus: LoadPrometheus = () => import('./prometheus.js');

/**
 * `defaultMetrics`: prom-client's process and Node.js metrics beside ours (app.ts: default true).
 * A load or build that fails (a broken install: prom-client missing) is not remembered: that
 * scrape answers 503 (own-endpoints.ts) and the next one tries again, where a memoized rejection
 * failed every scrape for the life of the process.
 */
export function createMetrics(options: RegistryOptions, load: LoadPrometheus = loadPrometheus): ProxyMetrics {
  let registry: Promise<Registry> | undefined;
  const build = (): Promise<Registry> =>
    load()
      .then(({ createRegistry }) => createRegistry(metrics, options))
      .catch((err: unknown) => {
        registry = undefined;
        throw err;
      });
  const metrics: ProxyMetrics = {
    requests: new RequestTally(),
    upstreamLatency: new LatencyHistogram(),
    tokensSigned: new PlainCount(),
    connectionsRefused: new LabelTally(),
    keyReloads: new PlainCount(),
    keyReloadFailures: new PlainCount(),
    signingKey: undefined,
    auth: new LabelTally(),
    registry: () => (registry ??= build()),
  };
  return metrics;
}
