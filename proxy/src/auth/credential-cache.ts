/**
 * Verified Basic credentials, so bcrypt (slow on purpose) runs once per credential and TTL,
 * not once per request (issue #24). Keyed by the SHA-256 of the whole header value: the
 * password itself is never kept. Bounded by entries (the oldest goes first) and emptied when
 * the users file is reloaded, so a removed user or a changed password stops working at once.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export const DEFAULT_CACHE_ENTRIES = 10_000;
export const DEFAULT_CACHE_TTL_MS = 300_000;

interface Entry {
  readonly digest: Buffer;
  readonly user: string;
  readonly expiresAt: number;
}

export function credentialDigest(headerValue: string): Buffer {
  return createHash('sha256').update(headerValue).digest();
}

export class CredentialCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: { readonly maxEntries: number; readonly ttlMs: number; readonly now: () => number }) {
    this.#maxEntries = options.maxEntries;
    this.#ttlMs = options.ttlMs;
    this.#now = options.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The user this digest was verified for, within the TTL. */
  get(digest: Buffer): string | undefined {
    const key = digest.toString('base64');
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    // The map found it by the digest already; the constant-time compare is the rule for secrets' hashes.
    return timingSafeEqual(entry.digest, digest) ? entry.user : undefined;
  }

  set(digest: Buffer, user: string): void {
    const key = digest.toString('base64');
    this.#entries.delete(key);
    if (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(key, { digest, user, expiresAt: this.#now() + this.#ttlMs });
  }

  clear(): void {
    this.#entries.clear();
  }
}
