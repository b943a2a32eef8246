/**
 * Where a forwarded request is counted: /status's counters and the Prometheus request counter.
 */
import type { ProxyMetrics } from './metrics.js';
import { methodLabel } from './metrics.js';
import type { StatusCounter } from './status.js';

/** Forwarded requests: /status's counters and the Prometheus request counter. */
export interface RequestCounter {
  readonly started: () => void;
  /** `upstreamMs`: entering the proxy to the upstream's response head, < 0 without one (the /status page's latency). */
  readonly finished: (method: string | undefined, statusCode: number, upstreamMs?: number) => void;
}

export function createRequestCounter(metrics: ProxyMetrics, status: StatusCounter): RequestCounter {
  // prom-client hashes the label object on every inc(); the children are cached instead.
  const children = new Map<string, { inc(): void }>();
  return {
    started: () => status.started(),
    finished: (method, statusCode, upstreamMs = -1) => {
      status.finished(statusCode, upstreamMs);
      const label = methodLabel(method);
      const key = `${label} ${statusCode}`;
      let child = children.get(key);
      if (child === undefined) {
        child = metrics.requests.labels({ method: label, status: statusCode });
        children.set(key, child);
      }
      child.inc();
    },
  };
}
