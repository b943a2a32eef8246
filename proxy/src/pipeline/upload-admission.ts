/**
 * Who may hold an upstream socket with a body that is still arriving (issue #21 item 4).
 *
 * A rate floor alone cannot keep the pool: 16 uploads at 1.3 KB/s from 4 addresses held a pool
 * of 16 (each just above MIN_BODY_RATE_BPS, each address within its connection cap), so a POST
 * from a fifth address timed out. Whatever rate a client drips at, a socket busy with an
 * unfinished body now comes from a share of the pool:
 *
 * - at most UPSTREAM_UPLOAD_SOCKETS upstream requests carry an unfinished body at once (by
 *   default three quarters of UPSTREAM_MAX_SOCKETS), and one client address (IPv6: its /64) at
 *   most UPSTREAM_UPLOAD_SOCKETS_PER_CLIENT of them; the rest of the pool is left to requests
 *   whose body is complete, so a legitimate request is answered whatever uploads run;
 * - a body that finds no free share is read ahead, up to UPLOAD_READ_AHEAD_BYTES, without taking
 *   a socket (nginx's request buffering, `client_body_buffer_size`): if it completes there, it is
 *   forwarded as a complete request; if not, it waits in arrival order for a share, its read-ahead
 *   handed back to the request unread, and the client is held back by TCP meanwhile. It waits
 *   within UPSTREAM_TIMEOUT_MS (504), like any request that waits for a socket.
 *
 * Streaming stays: with a share free, the body goes upstream as it arrives.
 */
import type { IncomingMessage } from 'node:http';
import { clientKey } from './client-key.js';
import type { Exchange, RequestPass } from './exchange.js';
import { framesBody } from './request-framing.js';

export interface UploadShare {
  /** UPSTREAM_UPLOAD_SOCKETS. */
  readonly uploadSockets: number;
  /** UPSTREAM_UPLOAD_SOCKETS_PER_CLIENT. */
  readonly uploadSocketsPerClient: number;
  /** UPLOAD_READ_AHEAD_BYTES. */
  readonly uploadReadAheadBytes: number;
}

/**
 * Client keys whose count may sit at zero before the zero entries are dropped in one pass. A
 * key is kept at zero rather than deleted when its last body ends (issue #22): deleting and
 * re-adding the key on every POST made V8 rebuild the Map's table each time, and a long-lived
 * Map's new tables go straight to the old generation, which grew the heap by megabytes a second.
 * The bound keeps a spray of client addresses from growing the Map without limit.
 */
export const IDLE_KEYS_KEPT = 1024;

/** Upstream sockets carrying an unfinished body, all clients together and per client key. */
export class UploadSlots {
  readonly #total: number;
  readonly #perClient: number;
  readonly #held = new Map<string, number>();
  #inUse = 0;
  #idleKeys = 0;

  constructor(total: number, perClient: number) {
    this.#total = total;
    this.#perClient = perClient;
  }

  get inUse(): number {
    return this.#inUse;
  }

  /** Client keys remembered, idle ones included (tests: bounded by IDLE_KEYS_KEPT + the busy ones). */
  get keys(): number {
    return this.#held.size;
  }

  /** Takes a slot for `key`, or says false when the total or the client's share is used up. */
  tryTake(key: string): boolean {
    const held = this.#held.get(key);
    if (this.#inUse >= this.#total || (held ?? 0) >= this.#perClient) return false;
    if (held === 0) this.#idleKeys -= 1;
    this.#inUse += 1;
    this.#held.set(key, (held ?? 0) + 1);
    return true;
  }

  release(key: string): void {
    const held = this.#held.get(key);
    this.#inUse -= 1;
    if (held === undefined) return;
    this.#held.set(key, held - 1);
    if (held === 1 && ++this.#idleKeys > IDLE_KEYS_KEPT) this.#dropIdleKeys();
  }

  #dropIdleKeys(): void {
    for (const [key, held] of this.#held) if (held === 0) this.#held.delete(key);
    this.#idleKeys = 0;
  }
}

/**
 * Reads `req`'s body ahead, at most `limit` bytes, without consuming it for good: `onComplete`
 * when the whole body is here, `onFull` when `limit` bytes are and more is to come. Either way
 * (and when the returned function is called) what was read is put back with `unshift`, before
 * the stream could emit 'end', so whoever pipes `req` later gets every byte.
 */
export function readAhead(req: IncomingMessage, limit: number, onComplete: () => void, onFull: () => void): () => void {
  const chunks: Buffer[] = [];
  let size = 0;
  let reading = true;
  const putBack = (): void => {
    if (!reading) return;
    reading = false;
    req.off('readable', onReadable);
    if (size > 0) req.unshift(Buffer.concat(chunks, size));
    chunks.length = 0;
  };
  function onReadable(): void {
    while (size < limit) {
      const chunk = req.read() as Buffer | null;
      if (chunk === null) break;
      chunks.push(chunk);
      size += chunk.length;
    }
    if (req.complete && req.readableLength === 0) {
      putBack();
      onComplete();
    } else if (size >= limit) {
      putBack();
      onFull();
    }
  }
  req.on('readable', onReadable);
  return putBack;
}

interface Waiting {
  readonly exchange: Exchange;
  readonly key: string;
  stopReading: () => void;
}

export interface UploadAdmission {
  /** Request pass: true when it held the request back (it is forwarded later by `send`). */
  readonly admit: RequestPass;
  /** Upstream requests carrying an unfinished body. */
  readonly streaming: () => number;
  /** Requests waiting for a share (bounded by the open client connections). */
  readonly waiting: () => number;
}

/** `send` is the pass that hands a request to http-proxy-middleware (passes.ts). */
export function createUploadAdmission(share: UploadShare, send: RequestPass): UploadAdmission {
  const slots = new UploadSlots(share.uploadSockets, share.uploadSocketsPerClient);
  const readAheadBytes = share.uploadReadAheadBytes;
  // Insertion order is arrival order.
  const queue = new Set<Waiting>();

  function forward(exchange: Exchange): void {
    const { res } = exchange;
    // Answered while it waited (504, 408): it must not go out.
    if (res.writableEnded || res.destroyed) return;
    send(exchange);
  }

  /** The slot is `key`'s until the body has been read to its end or the exchange is over. */
  function holdSlot(exchange: Exchange, key: string): void {
    let held = true;
    const release = (): void => {
      if (!held) return;
      held = false;
      slots.release(key);
      grantWaiting();
    };
    exchange.req.once('end', release);
    exchange.res.once('close', release);
  }

  function grantWaiting(): void {
    for (const waiting of queue) {
      if (slots.inUse >= share.uploadSockets) return;
      if (!slots.tryTake(waiting.key)) continue;
      queue.delete(waiting);
      waiting.stopReading();
      waiting.exchange.uploadWatch?.resume();
      holdSlot(waiting.exchange, waiting.key);
      forward(waiting.exchange);
    }
  }

  function wait(exchange: Exchange, key: string): void {
    const waiting: Waiting = { exchange, key, stopReading: noop };
    queue.add(waiting);
    const onComplete = (): void => {
      queue.delete(waiting);
      forward(exchange);
    };
    // The proxy no longer reads the body: the client cannot keep up any rate meanwhile.
    const onFull = (): void => exchange.uploadWatch?.pause();
    waiting.stopReading = readAhead(exchange.req, readAheadBytes, onComplete, onFull);
    exchange.res.once('close', () => {
      if (queue.delete(waiting)) waiting.stopReading();
    });
  }

  return {
    admit(exchange) {
      const { req } = exchange;
      if (!framesBody(req.headers) || req.complete) return false;
      const key = clientKey(req.socket.remoteAddress);
      if (slots.tryTake(key)) {
        holdSlot(exchange, key);
        return false;
      }
      wait(exchange, key);
      return true;
    },
    streaming: () => slots.inUse,
    waiting: () => queue.size,
  };
}

function noop(): void {}
