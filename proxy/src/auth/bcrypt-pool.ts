/**
 * A few worker threads that run bcrypt (bcrypt-worker.ts), so the event loop keeps serving
 * requests whose credential is cached while passwords are checked (issue #24). The workers
 * start on first use and are unref'd: they never keep the process alive. Callers go through
 * BcryptGate, so at most `size` comparisons are in flight; each goes to the least busy worker,
 * which answers in order.
 *
 * A worker with nothing to do is stopped after IDLE_WORKER_MS: a live worker thread costs the
 * main thread about a fifth more CPU per forwarded request even while idle (measured with
 * bench:ab on a cached Basic credential: +31% CPU per request with the worker kept, +12% with
 * it stopped; issue #24's ≤ 10% bound). A flood of passwords keeps its workers busy, so they
 * are not restarted per comparison.
 */
import { Worker } from 'node:worker_threads';
import type { CompareAnswer } from './bcrypt-worker.js';

export type BcryptCompare = (password: string, hash: string) => Promise<boolean>;

/** How long a worker may sit idle before it is stopped (the next comparison starts another). */
export const IDLE_WORKER_MS = 2_000;

interface Slot {
  readonly worker: Worker;
  readonly pending: ((matches: boolean) => void)[];
  idle: NodeJS.Timeout | undefined;
}

export interface BcryptPool {
  readonly compare: BcryptCompare;
  /** Stops the workers (tests; the process exits without it). */
  readonly close: () => Promise<void>;
  /** Workers alive now (tests, and what /metrics could show). */
  readonly liveWorkers: () => number;
}

export function createBcryptPool(size: number, idleMs: number = IDLE_WORKER_MS): BcryptPool {
  const slots: Slot[] = [];
  let nextId = 0;
  const stopIfStillIdle = (slot: Slot): void => {
    slot.idle = undefined;
    if (slot.pending.length > 0 || !slots.includes(slot)) return;
    slots.splice(slots.indexOf(slot), 1);
    void slot.worker.terminate();
  };
  const start = (): Slot => {
    const worker = new Worker(new URL('./bcrypt-worker.js', import.meta.url));
    worker.unref();
    const slot: Slot = { worker, pending: [], idle: undefined };
    worker.on('message', (answer: CompareAnswer) => {
      slot.pending.shift()?.(answer.matches);
      if (slot.pending.length === 0) slot.idle = setTimeout(stopIfStillIdle, idleMs, slot).unref();
    });
    // A worker that died answers "no match" for what it held (refused, never let through); the next call starts another.
    worker.on('error', () => {
      slots.splice(slots.indexOf(slot), 1);
      for (const resolve of slot.pending.splice(0)) resolve(false);
    });
    slots.push(slot);
    return slot;
  };
  const leastBusy = (): Slot => {
    const idle = slots.find((slot) => slot.pending.length === 0);
    if (idle !== undefined) return idle;
    if (slots.length < size) return start();
    return slots.reduce((a, b) => (b.pending.length < a.pending.length ? b : a));
  };
  return {
    compare: (password, hash) =>
      new Promise((resolve) => {
        const slot = leastBusy();
        clearTimeout(slot.idle);
        slot.idle = undefined;
        slot.pending.push(resolve);
        nextId += 1;
        slot.worker.postMessage({ id: nextId, password, hash });
      }),
    liveWorkers: () => slots.length,
    close: async () => {
      for (const slot of slots) clearTimeout(slot.idle);
      await Promise.all(slots.splice(0).map((slot) => slot.worker.terminate()));
    },
  };
}
