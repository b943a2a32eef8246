/**
 * Server-Sent Events for the live page and suites: an `entry` event per recorded
 * request, `clear` on DELETE. A subscriber may narrow the feed to one session.
 *
 * A subscriber that stops reading must not make the mock queue without bound
 * (issue 16, Medium 5): once more than `bufferLimit` bytes wait in its response
 * buffer it is dropped. EventSource reconnects by itself (`retry:`) and the page
 * reloads the list when it does, so a dropped page loses nothing but live order.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JournalEntry } from './journal.js';

/** SSE comment interval: keeps intermediaries from closing an idle stream. */
export const SSE_HEARTBEAT_MS = 15_000;

export interface EventHubOptions {
  /** Bytes a subscriber may leave unread before it is dropped (MOCK_SSE_BUFFER_BYTES). */
  readonly bufferLimit: number;
  readonly warn: (details: object, message: string) => void;
}

interface Subscriber {
  readonly res: ServerResponse;
  /** Only this session's events; undefined: every event. */
  readonly session: string | undefined;
}

export class EventHub {
  readonly #clients = new Set<Subscriber>();
  readonly #options: EventHubOptions;
  #heartbeat: NodeJS.Timeout | undefined;
  #dropped = 0;

  constructor(options: EventHubOptions) {
    this.#options = options;
  }

  /** Subscribers dropped for not reading (shown in /__mock/info). */
  get dropped(): number {
    return this.#dropped;
  }

  get size(): number {
    return this.#clients.size;
  }

  add(req: IncomingMessage, res: ServerResponse, session: string | undefined): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    });
    res.write('retry: 2000\n: connected\n\n');
    const client: Subscriber = { res, session };
    this.#clients.add(client);
    req.socket.setNoDelay(true);
    res.on('close', () => {
      this.#clients.delete(client);
      if (this.#clients.size === 0) this.#stopHeartbeat();
    });
    this.#heartbeat ??= setInterval(() => this.#sendAll(': ping\n\n', () => true), SSE_HEARTBEAT_MS).unref();
  }

  publishEntry(entry: JournalEntry): void {
    if (this.#clients.size === 0) return;
    const chunk = `event: entry\ndata: ${JSON.stringify(entry)}\n\n`;
    this.#sendAll(chunk, (client) => client.session === undefined || client.session === entry.session);
  }

  /** A clear of one session reaches that session's subscribers and the unscoped ones. */
  publishClear(session: string | undefined): void {
    if (this.#clients.size === 0) return;
    const chunk = `event: clear\ndata: ${JSON.stringify(session === undefined ? {} : { session })}\n\n`;
    this.#sendAll(chunk, (client) => session === undefined || client.session === undefined || client.session === session);
  }

  endAll(): void {
    for (const client of this.#clients) client.res.end();
    this.#clients.clear();
    this.#stopHeartbeat();
  }

  #sendAll(chunk: string, wanted: (client: Subscriber) => boolean): void {
    for (const client of this.#clients) {
      if (!wanted(client)) continue;
      client.res.write(chunk);
      if (client.res.writableLength > this.#options.bufferLimit) this.#drop(client);
    }
  }

  #drop(client: Subscriber): void {
    this.#clients.delete(client);
    this.#dropped += 1;
    this.#options.warn(
      { buffered: client.res.writableLength, limit: this.#options.bufferLimit },
      'dropped an event subscriber that stopped reading (MOCK_SSE_BUFFER_BYTES)',
    );
    client.res.destroy();
  }

  #stopHeartbeat(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }
}
