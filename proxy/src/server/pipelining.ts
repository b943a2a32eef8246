/**
 * Pipelining after a close (issue #16, Medium 1; RFC 9112 §9.6: once a connection
 * is to close, no further request on it is processed).
 *
 * - Bytes the parser cannot read behind valid requests (garbage, or anything after
 *   a request that said `Connection: close`, which llhttp reports as
 *   HPE_CLOSED_CONNECTION) end the connection after the responses already under
 *   way, and only then. Before, a raw 400 was written over a request that was
 *   already running upstream: the upstream did the work and the client was told
 *   it failed. `ResponseTracker` finds the response to let finish.
 * - An Upgrade (WebSocket, h2c) is forwarded as a plain request and its connection
 *   closes after the answer: llhttp stops parsing after an upgrade head, so anything
 *   pipelined behind it would otherwise wait forever (pipeline/upgrade.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * The newest response on each connection of one server. Created where the server is built
 * (http-server.ts), so two servers in one process (tests, a future second listener) never
 * share it.
 */
/**
 * The one 'close' listener of a tracker's responses (no closure per request). A response is
 * forgotten once closed: held until the next request on its connection, it kept the whole
 * exchange (upstream request and response, buffers) alive across scavenges, and V8 promoted it
 * to the old generation: 40% of the bytes promoted per request (issue #22). Overwritten with
 * `undefined`, not deleted, so the WeakMap's table is not rebuilt per request.
 */
function forgetOnClose(lastResponses: WeakMap<Duplex, ServerResponse | undefined>): (this: ServerResponse) => void {
  return function onClose(this: ServerResponse): void {
    const socket = this.req.socket;
    if (lastResponses.get(socket) === this) lastResponses.set(socket, undefined);
  };
}

export class ResponseTracker {
  readonly #lastResponses = new WeakMap<Duplex, ServerResponse | undefined>();
  readonly #onClose = forgetOnClose(this.#lastResponses);

  /** Remembers `res` as the newest response on its connection (called for every request). */
  track(req: IncomingMessage, res: ServerResponse): void {
    this.#lastResponses.set(req.socket, res);
    res.on('close', this.#onClose);
  }

  /** Whether a response is still held for this connection (tests: a closed one must not be). */
  holds(socket: Duplex): boolean {
    return this.#lastResponses.get(socket) !== undefined;
  }

  /** The newest response on this connection that has not finished yet, if any. */
  lastOpen(socket: Duplex): ServerResponse | undefined {
    const res = this.#lastResponses.get(socket);
    return res === undefined || res.writableFinished || res.destroyed ? undefined : res;
  }

  /**
   * Lets the open responses on a connection whose parser failed behind complete requests
   * finish, then closes it. Returns false when there is none, or when the newest request is
   * still being read (the bad bytes are its body): the caller answers the bad bytes itself.
   */
  closeAfterOpen(socket: Duplex, onClosed: () => void): boolean {
    const open = this.lastOpen(socket);
    // Its request still being read means the bad bytes are its own body: that is not this case.
    if (open === undefined || !open.req.complete) return false;
    // Its head may still carry `Connection: keep-alive`; Node then keeps the socket, so it is
    // ended here once the response is done (RFC 9112 §9.6: the server closes).
    if (!open.headersSent) open.shouldKeepAlive = false;
    open.once('close', onClosed);
    return true;
  }
}
