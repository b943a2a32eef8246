/**
 * What a load run is asked to do and what it measured: shared by load.ts, which picks the
 * generator, and by wrk.ts and autocannon.ts, which run it (kept apart so none of them imports
 * the others in a circle).
 */
export type Generator = 'wrk' | 'autocannon';

export interface LoadSpec {
  readonly generator: Generator;
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly body?: string;
  /** Extra request header lines, `name: value`, sent on every request (e.g. a Basic credential, issue #24). */
  readonly headers?: readonly string[];
  readonly connections: number;
  /** Run for this many seconds (whole seconds, both generators' resolution)... */
  readonly durationS?: number;
  /** ...or until this many requests were answered. */
  readonly amount?: number;
  /** autocannon only: its in-process warm-up (`-W`); a fresh autocannon is itself JIT-cold. */
  readonly warmupS?: number;
  readonly cpus: string | undefined;
}

export interface LoadResult {
  readonly generator: Generator;
  /** Answered requests per second over the whole run (total / elapsed). */
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  readonly requests: number;
  /** Requests answered during autocannon's own warm-up (they cost the server CPU too); 0 for wrk. */
  readonly warmupRequests: number;
  /** Socket errors: connect, read, write. */
  readonly errors: number;
  readonly timeouts: number;
  /** Responses with an error status: wrk counts status >= 400, autocannon every non-2xx. */
  readonly badStatus: number;
  readonly durationS: number;
}
