/**
 * A few worker threads that run bcrypt (bcrypt-worker.ts), so the event loop keeps serving
 * requests whose credential is cached while passwords are checked (issue #24). The workers
 * start on first use and are unref'd: they never keep the process alive. Callers go through
 * BcryptGate, so at most `size` comparisons are in flight; each goes to the least busy worker,
 * which answers in order.
 */
import { Worker } from 'node:worker_threads';
import type { CompareAnswer } from './bcrypt-worker.js';

export type BcryptCompare = (password: string, hash: string) => Promise<boolean>;

interface Slot {
  readonly worker: Worker;
  readonly pending: ((matches: boolean) => void)[];
}

export interface BcryptPool {
  readonly compare: BcryptCompare;
  /** Stops the workers (tests; the process exits without it). */
  readonly close: () => Promise<void>;
}

export function createBcryptPool(size: number): BcryptPool {
  const slots: Slot[] = [];
  let nextId = 0;
  const start = (): Slot => {
    const worker = new Worker(new URL('./bcrypt-worker.js', import.meta.url));
    worker.unref();
    const slot: Slot = { worker, pending: [] };
    worker.on('message', (answer: CompareAnswer) => slot.pending.shift()?.(answer.matches));
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
        slot.pending.push(resolve);
        nextId += 1;
        slot.worker.postMessage({ id: nextId, password, hash });
      }),
    close: async () => {
      await Promise.all(slots.splice(0).map((slot) => slot.worker.terminate()));
    },
  };
}
