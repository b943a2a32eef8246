/**
 * Where a forwarded request is counted: /status's counters and the Prometheus request counter.
 */
import type { ProxyMetrics } from './metrics.js';
import type { StatusCounter } from './status.js';

/** Forwarded requests: /status's counters and the Prometheus request counter. */
export interface RequestCounter {
  readonly started: () => void;
  /** `upstreamMs`: entering the proxy to the upstream's response head, < 0 without one (the /status page's latency). */
  readonly finished: (method: string | undefined, statusCode: number, upstreamMs?: number) => void;
}

export function createRequestCounter(metrics: ProxyMetrics, status: StatusCounter): RequestCounter {
  // Plain numbers; prom-client reads them at scrape time (metrics.ts).
  const tally = metrics.requests;
  return {
    started: () => status.started(),
    finished: (method, statusCode, upstreamMs = -1) => {
      status.finished(statusCode, upstreamMs);
      tally.add(method, statusCode);
    },
  };
}
