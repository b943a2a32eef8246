/**
 * A monotonic clock and timers a test moves by hand (the pipeline's `now` and `timers`
 * deps, proxy/src/pipeline/clock.ts), so a timeout or a rate deadline is tested without
 * sleeping. Timers behave as Node's do where the pipeline relies on it: `refresh()`
 * re-arms a timer for its full delay from now, even after it fired.
 */
import type { Timer, Timers } from '../../src/observe/clock.js';

/** The shape of the pipeline's clock deps (`now`, `timers`), plus the hand that moves it. */
export interface ManualClock {
  readonly now: () => number;
  readonly timers: Timers;
  /** Moves time on by `ms`, firing each timer that falls due on the way, earliest first. */
  readonly advance: (ms: number) => void;
  /** How many timers are armed. */
  readonly pending: () => number;
}

interface Armed {
  due: number;
  readonly delay: number;
  readonly fire: () => void;
}

export function createManualClock(start = 0): ManualClock {
  let time = start;
  const armed = new Map<Timer, Armed>();

  function earliestDue(until: number): [Timer, Armed] | undefined {
    let found: [Timer, Armed] | undefined;
    for (const pair of armed) {
      if (pair[1].due <= until && (found === undefined || pair[1].due < found[1].due)) found = pair;
    }
    return found;
  }

  const timers: Timers = {
    setTimeout<A>(callback: (arg: A) => void, ms: number, arg: A): Timer {
      const entry: Armed = { due: time + ms, delay: ms, fire: () => callback(arg) };
      const timer: Timer = {
        refresh() {
          entry.due = time + entry.delay;
          armed.set(timer, entry);
          return timer;
        },
        unref: () => timer,
      };
      armed.set(timer, entry);
      return timer;
    },
    clearTimeout(timer: Timer) {
      armed.delete(timer);
    },
  };

  return {
    now: () => time,
    timers,
    advance(ms) {
      const until = time + ms;
      for (let next = earliestDue(until); next !== undefined; next = earliestDue(until)) {
        time = next[1].due;
        armed.delete(next[0]);
        next[1].fire();
      }
      time = until;
    },
    pending: () => armed.size,
  };
}
