/**
 * The proxy's clock and timers, injected through createApp's deps so that tests drive the
 * upstream timeout, the upload-rate deadline, socket lingers and the shutdown grace without
 * sleeping (jose's `currentDate`).
 * The defaults are Node's own: performance.now (monotonic, so a wall-clock step never shortens a
 * deadline) and the global setTimeout/clearTimeout.
 */
import { performance } from 'node:perf_hooks';

/** What the pipeline uses of a timer: re-arming without a new allocation, and not holding the process open. */
export interface Timer {
  refresh(): unknown;
  unref(): unknown;
}

/** setTimeout with one argument (so a pass passes its state instead of allocating a closure per request). */
export interface Timers {
  setTimeout<A>(callback: (arg: A) => void, ms: number, arg: A): Timer;
  clearTimeout(timer: Timer): void;
}

/** Monotonic milliseconds. */
export function monotonicNow(): number {
  return performance.now();
}

/** Node's timers. A Timer handed back is always one of Node's, so clearTimeout gets what it made. */
export const systemTimers: Timers = Object.freeze({
  setTimeout,
  clearTimeout: (timer: Timer) => clearTimeout(timer as NodeJS.Timeout),
});

/** Runs `task` once after `delayMs` without keeping the process alive; returns a cancel. */
export type Schedule = (delayMs: number, task: () => void) => () => void;

function run(task: () => void): void {
  task();
}

/** A Schedule on top of `timers`: one-off tasks (lingers, grace periods), unref'd. */
export function scheduleOn(timers: Timers): Schedule {
  return (delayMs, task) => {
    const timer = timers.setTimeout(run, delayMs, task);
    timer.unref();
    return () => timers.clearTimeout(timer);
  };
}

/** The production Schedule: Node's timers, unref'd. */
export const unrefTimeout: Schedule = scheduleOn(systemTimers);
