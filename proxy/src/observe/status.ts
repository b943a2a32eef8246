/**
 * The request counter behind GET /status. Each request that enters the
 * forwarding path is counted exactly once, when its response closes, whatever
 * its outcome (relayed, proxy error, client gone); the own endpoints are not.
 * The same call feeds the per-second traffic ring behind the status page's charts
 * (traffic-stats.ts, issue 23).
 */
import { TrafficStats } from './traffic-stats.js';

export interface StatusSnapshot {
  readonly startedAt: string;
  readonly uptimeSeconds: number;
  readonly requestsProcessed: number;
  readonly inFlight: number;
}

export interface WorkerStatus extends StatusSnapshot {
  readonly worker: number;
  readonly pid: number;
}

export interface ClusterStatus extends StatusSnapshot {
  readonly workers: readonly WorkerStatus[];
}

export class StatusCounter {
  readonly #now: () => number;
  readonly startedAtMs: number;
  /** The last minutes, second by second (GET /status/series). */
  readonly traffic: TrafficStats;
  #processed = 0;
  #inFlight = 0;

  constructor(now: () => number) {
    this.#now = now;
    this.startedAtMs = now();
    this.traffic = new TrafficStats(now);
  }

  /** A request entered the forwarding path. */
  started(): void {
    this.#inFlight += 1;
  }

  /**
   * Its response closed (finished or aborted). Call once per started(). `statusCode` 0: the client
   * went away first; `upstreamMs` < 0: no upstream response head (a refusal, a timeout, a failure).
   */
  finished(statusCode = 0, upstreamMs = -1): void {
    this.#inFlight -= 1;
    this.#processed += 1;
    this.traffic.record(statusCode, upstreamMs);
  }

  get requestsProcessed(): number {
    return this.#processed;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  snapshot(): StatusSnapshot {
    return {
      startedAt: new Date(this.startedAtMs).toISOString(),
      uptimeSeconds: uptimeSeconds(this.startedAtMs, this.#now()),
      requestsProcessed: this.#processed,
      inFlight: this.#inFlight,
    };
  }
}

/** Seconds since start, to the millisecond, never negative (a clock stepped back). */
export function uptimeSeconds(startedAtMs: number, nowMs: number): number {
  return Math.max(0, Math.round(nowMs - startedAtMs)) / 1000;
}
