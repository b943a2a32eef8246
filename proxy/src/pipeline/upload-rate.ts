/**
 * The minimum request-body rate, as a floor over a window (issue #21 item 4). Issue #16 cut
 * uploads whose *average since the start* fell below MIN_BODY_RATE_BPS, after BODY_GRACE_MS
 * (Apache mod_reqtimeout's `body=GRACE,MinRate=RATE`); a client could bank bytes early and then
 * stall for as long as they bought. Now every window of BODY_GRACE_MS must bring
 * MIN_BODY_RATE_BPS × BODY_GRACE_MS / 1000 bytes, however much came before.
 *
 * One shared sweep per forwarder instead of a timer per upload (issue #22: two timers per signed
 * POST): it runs every min(1 s, BODY_GRACE_MS) while at least one body is still incomplete, and
 * looks only at those. A body ends with a Set delete, not a clearTimeout.
 * A watch can be paused while the proxy itself does not read the body (upload-admission.ts: it
 * waits for an upstream socket with its read-ahead full), so the client is not blamed for it.
 */
import type { IncomingMessage } from 'node:http';
import { sendError } from '../http/errors.js';
import type { Timer, Timers } from '../observe/clock.js';
import type { RequestPass, UploadWatch } from './exchange.js';
import { setOutcome } from './outcome.js';

export interface UploadRate {
  /** Bytes per second; 0 = no minimum. */
  readonly minBodyRateBps: number;
  readonly bodyGraceMs: number;
}

/** The bytes one window of BODY_GRACE_MS must bring. */
export function windowFloor(rate: UploadRate): number {
  return Math.ceil((rate.minBodyRateBps * rate.bodyGraceMs) / 1000);
}

/** The enforcement clock and timers (clock.ts): injected so a test can drive a trickle without sleeping. */
export interface UploadClock {
  readonly now: () => number;
  readonly timers: Timers;
}

/** What the sweep keeps of one body: the request, its callback, where its window began, and its place in the list. */
interface Watched {
  readonly req: IncomingMessage;
  readonly onTooSlow: () => void;
  windowStart: number;
  bytesAtWindowStart: number;
  prev: Watched | undefined;
  next: Watched | undefined;
  linked: boolean;
}

export interface UploadRateSweep {
  /** Watches `req`'s body until it is complete; `onTooSlow` is called once if a window falls short. */
  readonly watch: (req: IncomingMessage, onTooSlow: () => void) => UploadWatch;
  /** Bodies being watched (tests; bounded by the open connections). */
  readonly watched: () => number;
}

const NOT_WATCHED: UploadWatch = Object.freeze({ stop: noop, pause: noop, resume: noop });

/**
 * The bodies being watched, as a list threaded through the entries themselves. Not a Set: every
 * POST adds and removes one entry, and V8 rebuilds a long-lived Set's table in the old
 * generation as it grows, shrinks and fills with deleted slots; the dead tables still pointed at
 * the requests, so whole exchanges were promoted and the heap grew by megabytes a second
 * (issue #22, measured with the heap sampler). Linking and unlinking allocates nothing.
 */
class WatchList {
  #head: Watched | undefined = undefined;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  has(entry: Watched): boolean {
    return entry.linked;
  }

  add(entry: Watched): void {
    if (entry.linked) return;
    entry.linked = true;
    entry.prev = undefined;
    entry.next = this.#head;
    if (this.#head !== undefined) this.#head.prev = entry;
    this.#head = entry;
    this.#size += 1;
  }

  delete(entry: Watched): void {
    if (!entry.linked) return;
    if (entry.prev === undefined) this.#head = entry.next;
    else entry.prev.next = entry.next;
    if (entry.next !== undefined) entry.next.prev = entry.prev;
    entry.prev = undefined;
    entry.next = undefined;
    entry.linked = false;
    this.#size -= 1;
  }

  /** Calls `visit` on every entry; `visit` may delete the entry it is given. */
  forEach(visit: (entry: Watched) => void): void {
    let entry = this.#head;
    while (entry !== undefined) {
      const next = entry.next;
      visit(entry);
      entry = next;
    }
  }
}

export function createUploadRateSweep(rate: UploadRate, clock: UploadClock): UploadRateSweep {
  const { now, timers } = clock;
  const { bodyGraceMs } = rate;
  const floor = windowFloor(rate);
  const tickMs = Math.min(1000, bodyGraceMs);
  const watched = new WatchList();
  let timer: Timer | undefined;

  function sweep(): void {
    const at = now();
    watched.forEach((entry) => {
      const { req } = entry;
      if (req.complete || req.destroyed) watched.delete(entry);
      else if (at - entry.windowStart >= bodyGraceMs) checkWindow(entry, at);
    });
    if (watched.size === 0) timer = undefined;
    else timer?.refresh();
  }

  function checkWindow(entry: Watched, at: number): void {
    const bytes = entry.req.socket.bytesRead;
    if (bytes - entry.bytesAtWindowStart < floor) {
      watched.delete(entry);
      entry.onTooSlow();
      return;
    }
    entry.windowStart = at;
    entry.bytesAtWindowStart = bytes;
  }

  function add(entry: Watched): void {
    entry.windowStart = now();
    entry.bytesAtWindowStart = entry.req.socket.bytesRead;
    watched.add(entry);
    if (timer !== undefined) return;
    timer = timers.setTimeout(sweep, tickMs, undefined);
    timer.unref();
  }

  // A body that ends only leaves the list: the sweep's timer lapses at its next tick, so a run of
  // small POSTs costs at most one timer per tick, not one each.
  const set: SweepSet = { add, remove: (entry) => watched.delete(entry), has: (entry) => watched.has(entry) };
  return {
    watch(req, onTooSlow) {
      if (rate.minBodyRateBps === 0 || req.complete) return NOT_WATCHED;
      return watchOne(req, onTooSlow, set);
    },
    watched: () => watched.size,
  };
}

function noop(): void {}

/** What a watch handle does to the sweep's list. */
interface SweepSet {
  readonly add: (entry: Watched) => void;
  readonly remove: (entry: Watched) => void;
  readonly has: (entry: Watched) => boolean;
}

/** One body's handle: stopped for good on its end, on close or once cut; paused and resumed by upload-admission.ts. */
function watchOne(req: IncomingMessage, onTooSlow: () => void, set: SweepSet): UploadWatch {
  let stopped = false;
  const cut = (): void => {
    stopped = true;
    onTooSlow();
  };
  const entry: Watched = { req, onTooSlow: cut, windowStart: 0, bytesAtWindowStart: 0, prev: undefined, next: undefined, linked: false };
  const stop = (): void => {
    stopped = true;
    set.remove(entry);
  };
  set.add(entry);
  req.once('end', stop);
  req.once('close', stop);
  return {
    stop,
    pause: () => set.remove(entry),
    resume: () => {
      if (!stopped && !set.has(entry)) set.add(entry);
    },
  };
}

/**
 * Request pass: watches the body of a request that is still incomplete; too slow → 408
 * BODY_TOO_SLOW, upstream request cut. The watch is kept on the exchange for upload-admission.ts.
 */
export function createEnforceUploadRate(rate: UploadRate, clock: UploadClock): RequestPass {
  const sweep = createUploadRateSweep(Object.freeze({ minBodyRateBps: rate.minBodyRateBps, bodyGraceMs: rate.bodyGraceMs }), clock);
  return (exchange) => {
    const { req } = exchange;
    const length = req.headers['content-length'];
    if (req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0')) return false;
    exchange.uploadWatch = sweep.watch(req, () => {
      setOutcome(exchange, 'BODY_TOO_SLOW');
      // Destroyed mid-body, the upstream request never completes, and its socket leaves the pool.
      exchange.proxyReq?.destroy();
      req.unpipe();
      if (exchange.res.headersSent) exchange.res.destroy();
      else sendError(exchange.res, 'BODY_TOO_SLOW');
    });
    return false;
  };
}
