/**
 * Failed authentications per client address (issue #24): past `maxFailures` in a window, the
 * address is answered 429 with Retry-After until the window ends, before any bcrypt runs. The
 * address is the connection-cap key (pipeline/client-key.ts rule: IPv4, or an IPv6 /64). The
 * map is bounded: when full, the oldest address is forgotten, so a flood from many addresses
 * costs at most `maxClients` entries.
 */

export const DEFAULT_MAX_FAILURES = 10;
export const DEFAULT_FAILURE_WINDOW_MS = 60_000;
export const DEFAULT_MAX_TRACKED_CLIENTS = 10_000;

interface Window {
  failures: number;
  readonly endsAt: number;
}

export class FailureLimiter {
  readonly #windows = new Map<string, Window>();
  readonly #maxFailures: number;
  readonly #windowMs: number;
  readonly #maxClients: number;
  readonly #now: () => number;

  constructor(options: { readonly maxFailures: number; readonly windowMs: number; readonly maxClients: number; readonly now: () => number }) {
    this.#maxFailures = options.maxFailures;
    this.#windowMs = options.windowMs;
    this.#maxClients = options.maxClients;
    this.#now = options.now;
  }

  get size(): number {
    return this.#windows.size;
  }

  /** Seconds until `client` may try again (Retry-After), or 0 when it may try now. */
  retryAfter(client: string): number {
    const window = this.#windows.get(client);
    if (window === undefined) return 0;
    const left = window.endsAt - this.#now();
    if (left <= 0) {
      this.#windows.delete(client);
      return 0;
    }
    return window.failures >= this.#maxFailures ? Math.ceil(left / 1000) : 0;
  }

  fail(client: string): void {
    const now = this.#now();
    const window = this.#windows.get(client);
    if (window !== undefined && window.endsAt > now) {
      window.failures += 1;
      return;
    }
    this.#windows.delete(client);
    if (this.#windows.size >= this.#maxClients) {
      const oldest = this.#windows.keys().next().value;
      if (oldest !== undefined) this.#windows.delete(oldest);
    }
    this.#windows.set(client, { failures: 1, endsAt: now + this.#windowMs });
  }
}
