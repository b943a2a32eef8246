/**
 * The live traffic behind the /status page (issue 23, item 6): a ring of per-second slots over the
 * last WINDOW_SECONDS, each holding the requests finished in that second, their status classes and
 * a log-scale histogram of their upstream latency. Memory is fixed at construction (typed arrays,
 * about 100 KB); recording a request is O(1) and allocates nothing, so the hot path pays a few
 * array increments. Percentiles are computed when the page asks, never per request.
 *
 * Seconds are epoch seconds from the injected clock, so the chart's axis is wall time; a clock
 * stepped back counts into the newest slot instead of rewriting history.
 */

/** How far back the page looks: 5 minutes of one-second slots. */
export const WINDOW_SECONDS = 300;

/** The status-code mix: the class of each response; `aborted` = the client went away first (status 0). */
export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx', 'aborted'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];
const CLASSES = STATUS_CLASSES.length;
const ABORTED = CLASSES - 1;

/** Latency buckets: bucket 0 holds everything up to LATENCY_MIN_MS, then 4 buckets per doubling. */
export const LATENCY_MIN_MS = 0.1;
const STEPS_PER_DOUBLING = 4;
/** 0.1 ms · 2^(79/4) ≈ 88 s: the last bucket also holds anything slower. */
export const LATENCY_BUCKETS = 80;

/** The bucket a latency falls in: the first whose upper bound is >= ms. */
export function latencyBucket(ms: number): number {
  if (!(ms > LATENCY_MIN_MS)) return 0;
  const bucket = Math.ceil(Math.log2(ms / LATENCY_MIN_MS) * STEPS_PER_DOUBLING);
  return bucket < LATENCY_BUCKETS ? bucket : LATENCY_BUCKETS - 1;
}

/** A bucket's upper bound in ms (what a percentile reports: at most 19% above the true value). */
export function bucketUpperMs(bucket: number): number {
  return LATENCY_MIN_MS * 2 ** (bucket / STEPS_PER_DOUBLING);
}

function statusClass(statusCode: number): number {
  const hundreds = Math.floor(statusCode / 100);
  return hundreds >= 1 && hundreds <= 5 ? hundreds - 1 : ABORTED;
}

function bump(counts: Uint32Array, index: number): void {
  counts[index] = (counts[index] ?? 0) + 1;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/**
 * The q-quantile (0 < q <= 1) of `count` samples held in histogram[offset, offset + LATENCY_BUCKETS),
 * as its bucket's upper bound in ms; null without samples (nearest rank: the ceil(q·n)-th sample).
 */
export function percentileMs(histogram: ArrayLike<number>, offset: number, count: number, q: number): number | null {
  if (count === 0) return null;
  const rank = Math.max(1, Math.ceil(q * count));
  let seen = 0;
  for (let bucket = 0; bucket < LATENCY_BUCKETS; bucket += 1) {
    seen += histogram[offset + bucket] ?? 0;
    if (seen >= rank) return round3(bucketUpperMs(bucket));
  }
  return round3(bucketUpperMs(LATENCY_BUCKETS - 1));
}

/** What /status/series serves: one point per second, oldest first, since start or over the window. */
export interface TrafficSeries {
  readonly windowSeconds: number;
  /** Epoch seconds of each point. */
  readonly t: readonly number[];
  /** Forwarded requests that finished in that second. */
  readonly requests: readonly number[];
  /** Upstream latency (entering the proxy to the upstream's response head) of that second's requests. */
  readonly p50Ms: readonly (number | null)[];
  readonly p99Ms: readonly (number | null)[];
  /** Over the whole window. */
  readonly statusMix: Readonly<Record<StatusClass, number>>;
  readonly latency: { readonly p50Ms: number | null; readonly p99Ms: number | null; readonly samples: number };
}

export class TrafficStats {
  readonly #now: () => number;
  readonly #startSecond: number;
  readonly #requests = new Uint32Array(WINDOW_SECONDS);
  readonly #latencyCounts = new Uint32Array(WINDOW_SECONDS);
  readonly #classes = new Uint32Array(WINDOW_SECONDS * CLASSES);
  readonly #latency = new Uint32Array(WINDOW_SECONDS * LATENCY_BUCKETS);
  /** The epoch second of the newest slot. */
  #head: number;

  /** `now`: epoch milliseconds. */
  constructor(now: () => number) {
    this.#now = now;
    this.#head = Math.floor(now() / 1000);
    this.#startSecond = this.#head;
  }

  /** A forwarded request finished: its status (0 = client gone) and upstream latency (< 0: no upstream answer). */
  record(statusCode: number, upstreamMs: number): void {
    const slot = this.#advance();
    bump(this.#requests, slot);
    bump(this.#classes, slot * CLASSES + statusClass(statusCode));
    if (upstreamMs >= 0) {
      bump(this.#latencyCounts, slot);
      bump(this.#latency, slot * LATENCY_BUCKETS + latencyBucket(upstreamMs));
    }
  }

  /** Moves the head to now, clearing the slots it passes (at most the whole ring); returns the head's slot. */
  #advance(): number {
    const second = Math.floor(this.#now() / 1000);
    if (second > this.#head) {
      const steps = Math.min(second - this.#head, WINDOW_SECONDS);
      for (let i = 1; i <= steps; i += 1) this.#clear((second - steps + i) % WINDOW_SECONDS);
      this.#head = second;
    }
    return this.#head % WINDOW_SECONDS;
  }

  #clear(slot: number): void {
    this.#requests[slot] = 0;
    this.#latencyCounts[slot] = 0;
    this.#classes.fill(0, slot * CLASSES, (slot + 1) * CLASSES);
    this.#latency.fill(0, slot * LATENCY_BUCKETS, (slot + 1) * LATENCY_BUCKETS);
  }

  /** The window as series (computed here, on the page's request, not per recorded request). */
  series(): TrafficSeries {
    this.#advance();
    const first = Math.max(this.#head - WINDOW_SECONDS + 1, this.#startSecond);
    const t: number[] = [];
    const requests: number[] = [];
    const p50Ms: (number | null)[] = [];
    const p99Ms: (number | null)[] = [];
    const mix = new Array<number>(CLASSES).fill(0);
    const window = new Float64Array(LATENCY_BUCKETS);
    let samples = 0;
    for (let second = first; second <= this.#head; second += 1) {
      const slot = second % WINDOW_SECONDS;
      const offset = slot * LATENCY_BUCKETS;
      const count = this.#latencyCounts[slot] ?? 0;
      t.push(second);
      requests.push(this.#requests[slot] ?? 0);
      p50Ms.push(percentileMs(this.#latency, offset, count, 0.5));
      p99Ms.push(percentileMs(this.#latency, offset, count, 0.99));
      for (let c = 0; c < CLASSES; c += 1) mix[c] = (mix[c] ?? 0) + (this.#classes[slot * CLASSES + c] ?? 0);
      for (let b = 0; b < LATENCY_BUCKETS; b += 1) window[b] = (window[b] ?? 0) + (this.#latency[offset + b] ?? 0);
      samples += count;
    }
    const statusMix = Object.fromEntries(STATUS_CLASSES.map((name, i) => [name, mix[i] ?? 0])) as Record<StatusClass, number>;
    return {
      windowSeconds: WINDOW_SECONDS,
      t,
      requests,
      p50Ms,
      p99Ms,
      statusMix,
      latency: { p50Ms: percentileMs(window, 0, samples, 0.5), p99Ms: percentileMs(window, 0, samples, 0.99), samples },
    };
  }
}
