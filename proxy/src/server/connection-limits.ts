/**
 * Caps on client connections (issue #16: one client held every upstream socket
 * with 1,100 slow uploads). MAX_CONNECTIONS bounds the whole process,
 * MAX_CONNECTIONS_PER_CLIENT one client address, so a single address can never
 * take the share of the upstream pool that other clients need. A connection over
 * a cap is answered `503 TOO_MANY_CONNECTIONS` with `Retry-After` and closed
 * before any of its bytes are read, so nothing from it is ever forwarded.
 */
import type { Server, Socket } from 'node:net';
import { sendError } from '../http/errors.js';
import type { Schedule } from '../observe/clock.js';
import { clientKey } from '../pipeline/client-key.js';
import { destroyAfterLinger } from './timers.js';

export interface ConnectionCaps {
  /** 0 = no limit. */
  readonly maxConnections: number;
  /** 0 = no limit. */
  readonly maxConnectionsPerClient: number;
}

export type RefusalReason = 'total' | 'per_client';

/** Counts open client connections per key and refuses those over a cap. */
export class ConnectionLimiter {
  readonly #caps: ConnectionCaps;
  readonly #perClient = new Map<string, number>();
  #open = 0;

  constructor(caps: ConnectionCaps) {
    this.#caps = caps;
  }

  /** Open connections, all clients together. */
  get open(): number {
    return this.#open;
  }

  /** Open connections of one client address. */
  openFor(address: string | undefined): number {
    return this.#perClient.get(clientKey(address)) ?? 0;
  }

  /** Admits the connection (and counts it until `release`), or says which cap refuses it. */
  admit(address: string | undefined): RefusalReason | undefined {
    const key = clientKey(address);
    const count = this.#perClient.get(key) ?? 0;
    if (this.#caps.maxConnections > 0 && this.#open >= this.#caps.maxConnections) return 'total';
    if (this.#caps.maxConnectionsPerClient > 0 && count >= this.#caps.maxConnectionsPerClient) return 'per_client';
    this.#open += 1;
    this.#perClient.set(key, count + 1);
    return undefined;
  }

  release(address: string | undefined): void {
    const key = clientKey(address);
    const count = this.#perClient.get(key) ?? 0;
    this.#open = Math.max(0, this.#open - 1);
    if (count <= 1) this.#perClient.delete(key);
    else this.#perClient.set(key, count - 1);
  }
}

/** The limiter as wired to a server: `isRefused` tells the request handlers to ignore a socket. */
export interface ServerConnectionLimits {
  readonly limiter: ConnectionLimiter;
  readonly isRefused: (socket: Socket) => boolean;
}

/**
 * Enforces the caps on `server`'s connections. The listener is prepended, so it runs before
 * Node's HTTP handler; Node still attaches its parser to a refused socket, so the request
 * handlers must ask `isRefused` and leave such a request unanswered (the 503 is on its way).
 * `onRefused` is told each refusal (a metric; logging each one would let an attacker flood
 * the log). A refused socket lingers SOCKET_LINGER_MS (timers.ts) for its 503 to drain.
 */
export function limitConnections(
  server: Server,
  caps: ConnectionCaps,
  onRefused: (reason: RefusalReason) => void,
  schedule: Schedule,
): ServerConnectionLimits {
  const limiter = new ConnectionLimiter(caps);
  const refused = new WeakSet<Socket>();
  const isRefused = (socket: Socket): boolean => refused.has(socket);
  if (caps.maxConnections === 0 && caps.maxConnectionsPerClient === 0) return { limiter, isRefused };
  server.prependListener('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    const refusal = limiter.admit(address);
    if (refusal === undefined) {
      socket.once('close', () => limiter.release(address));
      return;
    }
    refused.add(socket);
    onRefused(refusal);
    socket.on('error', ignore);
    sendError(socket, 'TOO_MANY_CONNECTIONS', { headers: { 'retry-after': '1' } });
    destroyAfterLinger(socket, schedule);
  });
  return { limiter, isRefused };
}

function ignore(): void {}
