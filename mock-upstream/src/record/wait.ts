/**
 * GET /__mock/requests/wait (issue 13): answers as soon as the journal holds
 * `count` entries matching the filter, so suites wait for a request instead of
 * polling or sleeping (WireMock #2418, #943).
 *
 * Driven by the recording event, never by a timer loop: each new entry is
 * offered to the open waiters once. Entries already recorded count (after
 * `since=` when given). At `timeoutMs` the waiter gets 408 WAIT_TIMEOUT with
 * what matched so far; on shutdown 503 SHUTTING_DOWN; a client that goes away
 * is forgotten with its timer.
 */
import type { ServerResponse } from 'node:http';
import { sendError, sendJson } from '../http/errors.js';
import type { JournalEntry, JournalFilter } from './journal.js';
import { matchesFilter } from './journal.js';

export interface WaitRequest {
  readonly filter: JournalFilter;
  readonly count: number;
  readonly timeoutMs: number;
}

interface Waiter {
  readonly res: ServerResponse;
  readonly request: WaitRequest;
  /** Newest first, like the list endpoint. */
  readonly matched: JournalEntry[];
  readonly timer: NodeJS.Timeout;
}

export class Waiters {
  readonly #open = new Set<Waiter>();

  /** Open waiters (for tests and /__mock/info). */
  get size(): number {
    return this.#open.size;
  }

  /** Starts a wait given the entries that already match; answers at once when they suffice. */
  start(res: ServerResponse, request: WaitRequest, alreadyMatched: JournalEntry[]): void {
    if (alreadyMatched.length >= request.count) {
      sendJson(res, 200, { requests: alreadyMatched });
      return;
    }
    const timer = setTimeout(() => {
      this.#finish(waiter);
      const message = `${waiter.matched.length} of ${request.count} matching requests arrived within ${request.timeoutMs} ms`;
      sendError(res, 'WAIT_TIMEOUT', message, { requests: waiter.matched });
    }, request.timeoutMs);
    const waiter: Waiter = { res, request, matched: alreadyMatched, timer };
    this.#open.add(waiter);
    // The client went away (or the socket was cut): nothing left to answer.
    res.on('close', () => this.#finish(waiter));
  }

  /** Offers a newly recorded entry to every open waiter; recorded after each wait began, so `since` holds. */
  offer(entry: JournalEntry): void {
    for (const waiter of this.#open) {
      if (!matchesFilter(entry, waiter.request.filter)) continue;
      waiter.matched.unshift(entry);
      if (waiter.matched.length >= waiter.request.count) {
        this.#finish(waiter);
        sendJson(waiter.res, 200, { requests: waiter.matched });
      }
    }
  }

  /** Shutdown: every open waiter gets 503 SHUTTING_DOWN with what matched so far. */
  releaseAll(): void {
    for (const waiter of this.#open) {
      this.#finish(waiter);
      sendError(waiter.res, 'SHUTTING_DOWN', undefined, { requests: waiter.matched }, { connection: 'close' });
    }
  }

  #finish(waiter: Waiter): void {
    clearTimeout(waiter.timer);
    this.#open.delete(waiter);
  }
}
