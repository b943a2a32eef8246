/**
 * The one bounded wait of the repository's tests (httpxy's test/_utils.ts has one too). Every wait
 * has a deadline and fails with a message naming what it waited for, so a server that misbehaves
 * fails the test instead of hanging it. Wait on an event with `within(once(emitter, 'x'), ...)`;
 * poll with `until`/`waitFor` only for state that announces nothing (log lines, counters, another
 * process), at a short interval, never with a fixed sleep.
 */

/** Default deadline of `until` and `waitFor`. */
export const WAIT_TIMEOUT_MS = 5_000;
/** Default pause between two checks: short, for cheap in-process checks; checks over HTTP pass more. */
export const POLL_INTERVAL_MS = 5;

export interface WaitOptions {
  /** Fail after this many ms (default WAIT_TIMEOUT_MS). */
  readonly timeoutMs?: number;
  /** Pause between checks, in ms (default POLL_INTERVAL_MS). */
  readonly intervalMs?: number;
}

function timedOut(ms: number, what: string): Error {
  return new Error(`timed out after ${ms} ms waiting for ${what}`);
}

/** Settles as `promise` does, or rejects naming `what` when it has not settled within `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut(ms, what)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Re-runs `probe` until it returns something other than undefined, and resolves with that. */
export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, options: WaitOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? WAIT_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw timedOut(timeoutMs, what);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? POLL_INTERVAL_MS));
  }
}

/** Re-checks `condition` until it holds. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, options: WaitOptions = {}): Promise<void> {
  await waitFor(async () => ((await condition()) ? true : undefined), what, options);
}
