/**
 * GET /__mock/requests/wait (issue 13): answers as soon as the journal holds
 * `count` entries matching the filter, so suites wait for a request instead of
 * polling or sleeping (WireMock #2418, #943).
 *
 * Driven by the recording event, never by a timer loop: each new entry is
 * offered to the open waiters once. Entries already recorded count (after
 * `since=` when given). At `timeoutMs` the waiter gets 408 WAIT_TIMEOUT with
 * what matched so far; on shutdown 503 SHUTTING_DOWN; a client that goes away
 * is forgotten with its timer. Every answer is streamed entry by entry with backpressure (issue #21,
 * item 3): a waiter holds references to kept entries, never a serialised copy.
 */
import type { ServerResponse } from 'node:http';
import { errorBody, JSON_HEADERS, MOCK_ERRORS } from '../http/errors.js';
import type { MockErrorCode } from '../http/errors.js';
import { writeJsonArray } from '../http/json-stream.js';
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
      sendRequests(res, alreadyMatched);
      return;
    }
    const timer = setTimeout(() => {
      this.#finish(waiter);
      const message = `${waiter.matched.length} of ${request.count} matching requests arrived within ${request.timeoutMs} ms`;
      sendRequests(res, waiter.matched, { code: 'WAIT_TIMEOUT', message });
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
        sendRequests(waiter.res, waiter.matched);
      }
    }
  }

  /** Shutdown: every open waiter gets 503 SHUTTING_DOWN with what matched so far. */
  releaseAll(): void {
    for (const waiter of this.#open) {
      this.#finish(waiter);
      sendRequests(waiter.res, waiter.matched, { code: 'SHUTTING_DOWN' }, { connection: 'close' });
    }
  }

  #finish(waiter: Waiter): void {
    clearTimeout(waiter.timer);
    this.#open.delete(waiter);
  }
}

/** `{"requests":[...]}` (200), or `{"error":{...},"requests":[...]}` at the code's status, streamed. */
function sendRequests(
  res: ServerResponse,
  matched: readonly JournalEntry[],
  error?: { code: MockErrorCode; message?: string },
  headers: Record<string, string> = {},
): void {
  res.writeHead(error === undefined ? 200 : MOCK_ERRORS[error.code].status, { ...headers, ...JSON_HEADERS });
  const head = error === undefined ? '{' : `${JSON.stringify(errorBody(error.code, error.message)).slice(0, -1)},`;
  writeJsonArray(res, `${head}"requests":[`, matched, ']}').catch(() => res.destroy());
}
