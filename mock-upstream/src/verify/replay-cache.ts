/**
 * Replay detection: the set of `jti`s accepted within the replay window.
 *
 * Entries live in a Map in insertion order with their expiry time. Each call
 * first sweeps expired entries from the oldest end and stops at the first
 * live one, so memory stays bounded without a timer. With a monotonic clock
 * expiry times are non-decreasing in insertion order, so the sweep is exact;
 * a clock stepping backwards only delays eviction. A hard cap evicts the
 * oldest entries first: past it, a replay older than the cap's reach goes
 * unnoticed rather than the mock running out of memory.
 */
export const DEFAULT_REPLAY_CACHE_ENTRIES = 200_000;

export interface ReplayCacheOptions {
  /** How long a jti is remembered, in milliseconds (max age + clock skew). */
  readonly ttlMs: number;
  /** Hard cap on remembered jtis; default DEFAULT_REPLAY_CACHE_ENTRIES. */
  readonly maxEntries?: number;
}

export class ReplayCache {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  /** jti -> expiry (epoch ms), oldest first. */
  readonly #expiries = new Map<string, number>();

  constructor(options: ReplayCacheOptions) {
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_REPLAY_CACHE_ENTRIES);
  }

  get size(): number {
    return this.#expiries.size;
  }

  /**
   * Returns true when `jti` was already seen and has not expired at `nowMs`;
   * otherwise remembers it (until nowMs + ttl) and returns false.
   */
  checkAndRemember(jti: string, nowMs: number): boolean {
    this.#sweep(nowMs);
    const expiry = this.#expiries.get(jti);
    if (expiry !== undefined && expiry > nowMs) return true;
    this.remember(jti, nowMs);
    return false;
  }

  /** Remembers `jti` as seen at `seenAtMs` (used to seed the cache from a loaded journal). */
  remember(jti: string, seenAtMs: number): void {
    // Delete first so a re-inserted jti moves to the young end and keeps the order.
    this.#expiries.delete(jti);
    while (this.#expiries.size >= this.#maxEntries) {
      const oldest = this.#expiries.keys().next();
      /* c8 ignore next -- size >= 1 here, so the iterator is never done */
      if (oldest.done === true) break;
      this.#expiries.delete(oldest.value);
    }
    this.#expiries.set(jti, seenAtMs + this.#ttlMs);
  }

  #sweep(nowMs: number): void {
    for (const [jti, expiry] of this.#expiries) {
      if (expiry > nowMs) return;
      this.#expiries.delete(jti);
    }
  }
}
