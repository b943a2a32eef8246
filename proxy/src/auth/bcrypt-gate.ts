/**
 * bcrypt with bounded concurrency (issue #24): at most `concurrency` comparisons run (bcryptjs
 * yields to the event loop between rounds, so requests with a cached credential are served
 * meanwhile), at most `queue` wait, and past that the request is refused at once (503
 * AUTH_BUSY) instead of growing memory and latency without bound.
 */

export const DEFAULT_BCRYPT_CONCURRENCY = 2;
export const DEFAULT_BCRYPT_QUEUE = 64;

export class BcryptGate {
  readonly #concurrency: number;
  readonly #maxQueue: number;
  readonly #waiting: (() => void)[] = [];
  #running = 0;

  constructor(options: { readonly concurrency: number; readonly queue: number }) {
    this.#concurrency = options.concurrency;
    this.#maxQueue = options.queue;
  }

  get running(): number {
    return this.#running;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  /** Runs `work` when a slot is free; undefined when the queue is full (the caller refuses). */
  run<T>(work: () => Promise<T>): Promise<T> | undefined {
    if (this.#running < this.#concurrency) {
      this.#running += 1;
      return this.#execute(work);
    }
    if (this.#waiting.length >= this.#maxQueue) return undefined;
    // The finishing comparison hands its slot over (#release), so `running` never passes the bound.
    return new Promise<void>((resolve) => this.#waiting.push(resolve)).then(() => this.#execute(work));
  }

  async #execute<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next === undefined) this.#running -= 1;
      else next();
    }
  }
}
