/**
 * The minimum request-body rate (issue #16: uploads of one byte every 2 s kept
 * resetting the upstream inactivity timeout and held the upstream pool). Modelled
 * on Apache mod_reqtimeout's `body=GRACE,MinRate=RATE`: a body may take
 * BODY_GRACE_MS, and every MIN_BODY_RATE_BPS bytes that arrive buy one more
 * second. An upload that falls behind is cut, so it cannot keep an upstream
 * socket however it trickles. One timer per upload, re-armed only at its
 * deadline: no work per chunk.
 */
import type { IncomingMessage } from 'node:http';
import { sendError } from '../http/errors.js';
import type { Timer, Timers } from '../observe/clock.js';
import type { RequestPass } from './exchange.js';
import { setOutcome } from './outcome.js';

export interface UploadRate {
  /** Bytes per second; 0 = no minimum. */
  readonly minBodyRateBps: number;
  readonly bodyGraceMs: number;
}

/** When an upload that began at `startedAt` (ms) and has `received` bytes must have received more. */
export function uploadDeadline(startedAt: number, received: number, rate: UploadRate): number {
  if (rate.minBodyRateBps === 0) return Number.POSITIVE_INFINITY;
  return startedAt + rate.bodyGraceMs + (received * 1000) / rate.minBodyRateBps;
}

/** The enforcement clock and timers (clock.ts): injected so a test can drive a trickle without sleeping. */
export interface UploadClock {
  readonly now: () => number;
  readonly timers: Timers;
}

/**
 * Watches `req`'s body until it is complete and calls `onTooSlow` once if it falls behind
 * the rate. Counts the bytes read on the client's socket since the call (head already
 * read). Returns a function that stops watching.
 */
export function watchUploadRate(req: IncomingMessage, rate: UploadRate, clock: UploadClock, onTooSlow: () => void): () => void {
  if (rate.minBodyRateBps === 0 || req.complete) return noop;
  const { now, timers } = clock;
  const socket = req.socket;
  const startedAt = now();
  const bytesAtStart = socket.bytesRead;
  let timer: Timer | undefined;
  const stop = (): void => {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
  };
  const check = (): void => {
    timer = undefined;
    if (req.complete || req.destroyed) return;
    const deadline = uploadDeadline(startedAt, socket.bytesRead - bytesAtStart, rate);
    const wait = deadline - now();
    if (wait <= 0) {
      onTooSlow();
      return;
    }
    timer = timers.setTimeout(check, wait, undefined);
    timer.unref();
  };
  timer = timers.setTimeout(check, rate.bodyGraceMs, undefined);
  timer.unref();
  req.once('end', stop);
  req.once('close', stop);
  return stop;
}

function noop(): void {}

/**
 * Request pass: watches the body of a request that has one; too slow → 408 BODY_TOO_SLOW,
 * upstream request cut. `rate` is MIN_BODY_RATE_BPS and BODY_GRACE_MS.
 */
export function createEnforceUploadRate(rate: UploadRate, clock: UploadClock): RequestPass {
  // Copied, so the pass holds what it uses rather than the objects it was built from.
  const { minBodyRateBps, bodyGraceMs } = rate;
  const own: UploadRate = Object.freeze({ minBodyRateBps, bodyGraceMs });
  const ownClock: UploadClock = Object.freeze({ now: clock.now, timers: clock.timers });
  return (exchange) => {
    const { req } = exchange;
    const length = req.headers['content-length'];
    if (req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0')) return false;
    watchUploadRate(req, own, ownClock, () => {
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
